import express from 'express';
import Fastify from 'fastify';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { expressHandler, fastifyWebhooks, nodeHandler, webhookHandler, type HandlerOptions } from '../../src/index.js';

/** A receiver built with one of the SDK's handlers, listening on loopback at `url`. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

export interface Flavour {
  name: string;
  start(options: HandlerOptions): Promise<Running>;
}

/**
 * Every handler, each mounted the way its framework's users would: the Web handler behind a
 * Request/Response bridge (what Next.js, Hono or Remix do), Express with express.json() for the rest
 * of the app, Fastify with its default JSON parser for the rest of the app, and bare node:http.
 */
export const flavours: Flavour[] = [
  {
    name: 'Web Request',
    start: (options) => {
      const handler = webhookHandler(options);
      return listen(
        createServer(async (req, res) => {
          const response = await handler(toRequest(req));
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        }),
      );
    },
  },
  {
    name: 'Express',
    start: (options) => {
      const app = express();
      app.post('/webhooks', expressHandler(options));
      app.use(express.json());
      app.post('/echo', (req, res) => void res.json(req.body));
      return listen(createServer(app));
    },
  },
  {
    name: 'Express with express.raw on the route',
    start: (options) => {
      const app = express();
      app.post('/webhooks', express.raw({ type: 'application/json' }), expressHandler(options));
      return listen(createServer(app));
    },
  },
  {
    name: 'Fastify',
    start: async (options) => {
      const app = Fastify();
      // Inherits from `options` rather than copying it, so getters in a test's options stay live.
      await app.register(fastifyWebhooks, Object.create(options, { prefix: { value: '/webhooks', enumerable: true } }));
      app.post('/echo', async (request) => request.body);
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks`, close: () => app.close() };
    },
  },
  {
    name: 'node:http',
    start: (options) => listen(createServer(nodeHandler(options))),
  },
];

export function toRequest(req: import('node:http').IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`http://127.0.0.1${req.url}`, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
}

export async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
