// One webhook delivery attempt over HTTP: POST, bounded in time, never throws,
// and reports what happened as data so the retry logic can decide.
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { createGuardedLookup, REFUSED_BY_POLICY, type AddressPolicy, type Resolver } from './ssrf-guard.js';

export type AttemptErrorKind = 'timeout' | 'connection' | 'dns' | 'refused_by_policy';

export type AttemptOutcome =
  | {
      kind: 'response';
      status: number;
      /** At most MAX_RECORDED_BODY_BYTES of the response body, decoded as UTF-8. */
      body: string;
      /** The Retry-After header as sent; read against Laurel's clock when the next attempt is planned (retry-policy.ts). */
      retryAfter: string | null;
      latencyMs: number;
    }
  | { kind: 'error'; error: AttemptErrorKind; message: string; latencyMs: number };

export interface HttpSender {
  send(req: { url: string; body: string; headers: Record<string, string>; timeoutMs: number }): Promise<AttemptOutcome>;
  close(): Promise<void>;
}

export const MAX_RECORDED_BODY_BYTES = 4096;

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'ENODATA']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

export function createHttpSender(opts: {
  /** null = no guard (development mode). */
  policy: AddressPolicy | null;
  connectionsPerOrigin: number;
  /** Seam for the OS resolver (tests); defaults to dns.lookup. */
  resolve?: Resolver;
}): HttpSender {
  const { policy } = opts;
  const lookup = policy ? createGuardedLookup(policy, opts.resolve) : opts.resolve;
  // One agent for the sender's lifetime: a pool per origin, so a hanging
  // receiver only ties up its own connections. undici keeps sockets alive by
  // default and request() never follows redirects (a 3xx is a failed attempt).
  const agent = new Agent({
    connections: opts.connectionsPerOrigin,
    pipelining: 1,
    ...(lookup ? { connect: { lookup } } : {}),
  });

  async function send(req: {
    url: string;
    body: string;
    headers: Record<string, string>;
    timeoutMs: number;
  }): Promise<AttemptOutcome> {
    const start = performance.now();
    const fail = (error: AttemptErrorKind, message: string): AttemptOutcome => ({
      kind: 'error',
      error,
      message,
      latencyMs: performance.now() - start,
    });

    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return fail('connection', 'invalid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return fail('connection', `unsupported URL scheme "${url.protocol}": only http and https are allowed`);
    }
    if (policy) {
      // Literal IPs never reach the guarded lookup, so judge them here.
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      if (isIP(host) !== 0 && !policy.isAllowed(host)) {
        return fail('refused_by_policy', `refused to connect to ${host}: address is not allowed by the delivery network policy`);
      }
    }

    // headersTimeout/bodyTimeout alone do not bound the attempt (queueing,
    // connect, or a body dripping one byte per bodyTimeout), so a single
    // timer aborts whatever phase the request is in.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, req.timeoutMs);

    try {
      const res = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers: req.headers,
        body: req.body,
        signal: controller.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const body = await readCapped(res.body);
      return {
        kind: 'response',
        status: res.statusCode,
        body,
        retryAfter: firstValue(res.headers['retry-after']),
        latencyMs: performance.now() - start,
      };
    } catch (err) {
      if (timedOut) return fail('timeout', `no complete response within ${req.timeoutMs} ms`);
      const [kind, message] = classify(err);
      return fail(kind, message);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    send,
    close: () => agent.close(),
  };
}

async function readCapped(body: AsyncIterable<Buffer>): Promise<string> {
  let chunks: Buffer[] | null = null;
  let first: Buffer | null = null;
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    let piece = chunk;
    if (size + chunk.length > MAX_RECORDED_BODY_BYTES) {
      piece = chunk.subarray(0, MAX_RECORDED_BODY_BYTES - size);
      truncated = true;
    }
    if (first === null) first = piece;
    else (chunks ??= [first]).push(piece);
    size += piece.length;
    // Leaving the loop destroys the body: the rest is never read and that
    // socket is not reused (small bodies, the common case, keep it alive).
    if (truncated) break;
  }
  if (first === null) return '';
  const buf = chunks ? Buffer.concat(chunks, size) : first;
  return storable(buf.toString('utf8', 0, truncated ? completeUtf8Length(buf) : buf.length));
}

/** PostgreSQL text cannot hold NUL; a receiver's bytes must not be able to make the log unwritable. */
function storable(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** Length of `buf` without a multi-byte character cut off by truncation. */
function completeUtf8Length(buf: Buffer): number {
  let i = buf.length - 1;
  while (i > 0 && buf.length - i < 4 && (buf[i]! & 0xc0) === 0x80) i--;
  const lead = buf[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return buf.length - i >= need ? buf.length : i;
}

function firstValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function classify(err: unknown): [AttemptErrorKind, string] {
  const code = findCode(err);
  const message = describe(err);
  if (code === REFUSED_BY_POLICY) return ['refused_by_policy', message];
  if (code !== undefined && DNS_CODES.has(code)) return ['dns', message];
  if (code !== undefined && TIMEOUT_CODES.has(code)) return ['timeout', message];
  return ['connection', message];
}

// Node wraps per-address connect failures (happy eyeballs) in an
// AggregateError, and some undici errors carry the socket error as `cause`.
function findCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 3) return undefined;
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = findCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return findCode(cause, depth + 1) ?? (typeof code === 'string' ? code : undefined);
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  const code = findCode(err);
  const full = storable(code && !text.includes(code) ? `${code}: ${text}` : text);
  return full.length > 300 ? `${full.slice(0, 297)}...` : full;
}
