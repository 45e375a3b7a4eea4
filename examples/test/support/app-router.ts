import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What an App Router route module exports for POST (route.ts). */
export interface RouteModule {
  POST(request: Request): Promise<Response>;
}

/** A request as it arrived: the exact body and headers. */
export interface Received {
  path: string;
  body: string;
  headers: Record<string, string>;
}

export interface AppRouter {
  /** http://127.0.0.1:PORT, where Laurel delivers. */
  origin: string;
  /** Every request so far, oldest first, to replay or tamper with. */
  received: Received[];
  close(): Promise<void>;
}

/**
 * The App Router in miniature, so the tests need no Next.js: each path is served by its route
 * module's POST, called with a Web Request and answered with its Response, as Next.js does.
 */
export async function serveRoutes(routes: Record<string, RouteModule>): Promise<AppRouter> {
  const received: Received[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes[path];
    if (!route) return void res.writeHead(404).end();
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
    try {
      const request = await toRequest(req);
      received.push({ path, body: await request.clone().text(), headers: Object.fromEntries(request.headers) });
      const response = await route.POST(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      // What Next.js does with a route handler that throws.
      console.error(error);
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
}
