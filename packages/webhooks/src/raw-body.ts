import { utf8, type Bytes } from './crypto.js';
import { WebhookVerificationError } from './errors.js';

/**
 * The body exactly as it arrived: a string (`await request.text()`) or bytes (a Node Buffer from
 * `express.raw()`, a Uint8Array or another view, an ArrayBuffer). Anything else cannot be verified,
 * because the signature covers bytes, and parsing then serialising JSON again rarely gives back
 * the same bytes.
 */
export type RawBody = string | ArrayBufferView | ArrayBuffer;

export interface BodyBytes {
  bytes: Bytes;
  /** The body as text, decoded once for parsing and diagnostics. */
  text: string;
}

const decoder = new TextDecoder();

export function readRawBody(body: unknown): BodyBytes {
  if (typeof body === 'string') return { bytes: utf8(body), text: body };
  // Copies onto a fresh ArrayBuffer: WebCrypto wants one, and a Node Buffer may be a view into a
  // shared pool. isView and the tag check (not instanceof) also accept bytes from another realm.
  if (ArrayBuffer.isView(body)) {
    const bytes = new Uint8Array(body.byteLength);
    bytes.set(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    return { bytes, text: decoder.decode(bytes) };
  }
  if (Object.prototype.toString.call(body) === '[object ArrayBuffer]') {
    const bytes = new Uint8Array((body as ArrayBuffer).slice(0));
    return { bytes, text: decoder.decode(bytes) };
  }
  throw new WebhookVerificationError('body_not_raw', notRawMessage(body));
}

const useRaw =
  'Verify the raw body: `await request.text()` (Web Request, Next.js, Hono, Remix), ' +
  "`express.raw({ type: 'application/json' })` (Express), or use this package's handlers, which read it for you.";

function notRawMessage(body: unknown): string {
  if (body === undefined || body === null) {
    return `The body is ${String(body)}: nothing read it, or a body parser consumed the stream without leaving the bytes. ${useRaw}`;
  }
  if (typeof body !== 'object') {
    return `The body is a ${typeof body}, not the raw string or bytes. ${useRaw}`;
  }
  const candidate = body as Record<string, unknown>;
  if (typeof candidate.arrayBuffer === 'function' && typeof candidate.headers === 'object') {
    return `The body is a Request (or Response) object, not its body: pass \`await request.text()\`, or use webhookHandler(). ${useRaw}`;
  }
  if (typeof candidate.getReader === 'function' || typeof candidate.pipe === 'function' || Symbol.asyncIterator in candidate) {
    return `The body is a stream that has not been read: read it to the end first, or use nodeHandler()/webhookHandler(). ${useRaw}`;
  }
  return (
    'The body is an already parsed object, so the bytes Laurel signed are gone (a JSON body parser such as ' +
    "express.json(), bodyParser.json() or Fastify's default parser ran first). Do not JSON.stringify it back: " +
    `key order, spacing and escapes differ, and the signature will not match. ${useRaw}`
  );
}

/**
 * Signs that the body was re-serialised by a framework rather than passed through. Laurel writes
 * compact JSON with `type` as the first key, so anything else did not come from it unchanged.
 */
export function reserialisationHint(text: string): string | undefined {
  if (/^\s*\{\s*\n\s+"/.test(text)) {
    return 'The body is indented JSON; Laurel sends compact JSON, so it was serialised again on the way (e.g. JSON.stringify(body, null, 2)).';
  }
  if (text.startsWith('{') && !text.startsWith('{"type":')) {
    return 'The body does not start with {"type": as every body Laurel sends does, so it was probably parsed and serialised again.';
  }
  return undefined;
}
