import { answerDelivery, bodyLimit, tooLarge, type HandlerOptions } from './answer-delivery.js';
import { WebhookVerificationError } from './errors.js';

/**
 * A Web-standard `(request: Request) => Promise<Response>`: a Next.js App Router route handler
 * (`export const POST = webhookHandler({...})`), a Hono or Remix handler (`c.req.raw`,
 * `({ request })`), a Cloudflare Worker's or Deno's or Bun's fetch handler. It reads the body as
 * bytes itself, so nothing can parse it first.
 */
export function webhookHandler(options: HandlerOptions): (request: Request) => Promise<Response> {
  const limit = bodyLimit(options);
  return async (request) => {
    const answer = await answerDelivery(request.method, request.headers, () => readBytes(request, limit), options);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}

async function readBytes(request: Request, limit: number): Promise<ArrayBuffer> {
  if (request.bodyUsed) {
    throw new WebhookVerificationError(
      'body_not_raw',
      "The request's body was already read (request.json() or request.text() ran before this handler), and a body can be read " +
        'only once. Hand the request over before anything reads it; in Hono, pass c.req.raw before any c.req.json().',
    );
  }
  if (Number(request.headers.get('content-length')) > limit) throw tooLarge(limit);
  const body = await request.arrayBuffer();
  if (body.byteLength > limit) throw tooLarge(limit);
  return body;
}
