import { answerDelivery, bodyLimit, type HandlerOptions } from './answer-delivery.js';

/** The parts of a Fastify instance the plugin uses, typed here so that this package does not depend on Fastify. */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'buffer'; bodyLimit?: number },
    parser: (request: unknown, body: Uint8Array, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
  post(path: string, handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>): unknown;
}

export interface FastifyRequestLike {
  method: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: unknown;
}

export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload: string): unknown;
}

export interface FastifyWebhookOptions extends HandlerOptions {
  /** The route's path inside the plugin; with `prefix: '/webhooks'` the default '/' serves /webhooks. */
  path?: string;
}

/**
 * A Fastify plugin with one POST route: `app.register(fastifyWebhooks, { prefix: '/webhooks',
 * secret, onEvent })`. Inside the plugin (Fastify keeps it encapsulated) every content type is
 * parsed as a raw Buffer, so the route sees the exact bytes while the rest of the app keeps
 * Fastify's JSON parser.
 */
export async function fastifyWebhooks(fastify: FastifyInstanceLike, options: FastifyWebhookOptions): Promise<void> {
  const limit = bodyLimit(options);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_request, body, done) => done(null, body));
  fastify.post(options.path ?? '/', async (request, reply) => {
    // The parser above turns every body into a Buffer; Fastify leaves body undefined only when there was none.
    const answer = await answerDelivery(request.method, request.headers, () => request.body ?? new Uint8Array(0), options);
    reply.code(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
    return reply.send(answer.body);
  });
}
