import { WebhookVerificationError } from './errors.js';

/**
 * Request headers as any runtime hands them over: a Web `Headers` (fetch, Next.js, Hono, Remix,
 * Workers, Deno, Bun), Node's `req.headers` (lower-case keys, Express and Fastify too), or a plain
 * object with names in any case.
 */
export type HeadersInput =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined | null>>;

/** Looks headers up by lower-case name; an empty value counts as missing. */
export type HeaderReader = (name: string) => string | undefined;

export function headerReader(headers: HeadersInput): HeaderReader {
  if (headers === null || typeof headers !== 'object') {
    throw new WebhookVerificationError(
      'missing_signature',
      `No headers were given (got ${headers === null ? 'null' : typeof headers}): pass the request's headers, e.g. request.headers or req.headers.`,
    );
  }
  if (typeof headers.get === 'function') {
    const web = headers as { get(name: string): string | null };
    return (name) => web.get(name) || undefined;
  }
  const byName = new Map<string, string>();
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    if (text !== '') byName.set(key.toLowerCase(), text);
  }
  return (name) => byName.get(name);
}
