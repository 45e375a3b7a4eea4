import { answerDelivery, bodyLimit, tooLarge, type HandlerAnswer, type HandlerOptions } from './answer-delivery.js';
import { utf8, type Bytes } from './crypto.js';
import { WebhookVerificationError } from './errors.js';

/**
 * The parts of Node's IncomingMessage (and of Express's request, which extends it) that the
 * handlers use, typed here so that this package depends on neither.
 */
export interface NodeRequestLike extends AsyncIterable<unknown> {
  method?: string | undefined;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Set by Express/Connect body parsers: a Buffer from express.raw(), an object from express.json(). */
  body?: unknown;
  /** Node sets it once the stream has been read to the end, by anyone. */
  readableEnded?: boolean;
}

export interface NodeResponseLike {
  statusCode: number;
  headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export type NodeHandler = (req: NodeRequestLike, res: NodeResponseLike) => Promise<void>;

/**
 * For node:http's `createServer((req, res) => ...)`, and for Connect-style servers. Reads the body
 * from the stream itself; if a body parser already left bytes in `req.body`, it uses those.
 */
export function nodeHandler(options: HandlerOptions): NodeHandler {
  return createNodeHandler(options, 'A body parser ran before this handler and parsed the JSON, so the bytes Laurel signed are gone.');
}

/**
 * For Express 4 and 5: `app.post('/webhooks', expressHandler({...}))`. Mount it before
 * `app.use(express.json())`, and it reads the raw body itself; behind `express.raw({ type:
 * 'application/json' })` it uses the Buffer that leaves. Behind express.json() it answers 500
 * body_not_raw and says so, since the signed bytes are gone by then.
 */
export function expressHandler(options: HandlerOptions): NodeHandler {
  return createNodeHandler(
    options,
    'req.body is an already parsed object: express.json() (or bodyParser.json()) ran before this handler and consumed the bytes ' +
      'Laurel signed. Register the webhook route before app.use(express.json()) (this handler reads the body itself), or give the ' +
      "route express.raw({ type: 'application/json' }) and keep the JSON parser off it. Never JSON.stringify(req.body) to get the " +
      'body back: key order, spacing and escapes differ, and the signature will not match.',
  );
}

function createNodeHandler(options: HandlerOptions, parsedBodyMessage: string): NodeHandler {
  const limit = bodyLimit(options);
  return async (req, res) => {
    const answer = await answerDelivery(req.method, req.headers, () => rawBodyOf(req, limit, parsedBodyMessage), options);
    write(res, answer);
  };
}

async function rawBodyOf(req: NodeRequestLike, limit: number, parsedBodyMessage: string): Promise<unknown> {
  const { body } = req;
  if (typeof body === 'string' || ArrayBuffer.isView(body)) return body;
  const unread = req.readableEnded !== true;
  // Express 5 leaves req.body undefined when no parser ran, Express 4's parsers leave {} when the
  // content type was not theirs: either way the stream is untouched, so read it here.
  if (unread && (body === undefined || isEmptyObject(body))) return readStream(req, limit);
  if (body === undefined || body === null) {
    throw new WebhookVerificationError(
      'body_not_raw',
      'The request stream was already read, but req.body is empty: something before this handler consumed the body without keeping it. ' +
        'Mount the webhook handler before that middleware.',
    );
  }
  if (typeof body === 'object') throw new WebhookVerificationError('body_not_raw', parsedBodyMessage);
  return body;
}

async function readStream(stream: AsyncIterable<unknown>, limit: number): Promise<Bytes> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? utf8(chunk) : (chunk as Uint8Array);
    size += bytes.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(bytes);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && Object.keys(value).length === 0;
}

function write(res: NodeResponseLike, answer: HandlerAnswer): void {
  if (res.headersSent) return;
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}
