import { CliError } from './cli-error.js';

/**
 * The Admin API as the CLI calls it: JSON in and out, with `X-API-KEY`. Every failure becomes a
 * CliError whose message is what the server said (`{"error"}`), or why the server could not be
 * reached, so commands only handle success.
 */
export interface AdminClient {
  /** The server's base URL, without a trailing slash. */
  server: string;
  apiKey: string;
  /** Added to the message of a 401: where the key came from and what to do instead. */
  unauthorizedHint: string;
  request<T>(method: Method, path: string, body?: unknown): Promise<T>;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const REQUEST_TIMEOUT_MS = 30_000;

const KEY_HINT = 'give a key with --api-key or LAUREL_API_KEY (laurel keys create --environment NAME)';

export function createAdminClient(server: string, apiKey: string, unauthorizedHint = KEY_HINT): AdminClient {
  const base = server.replace(/\/+$/, '');
  return {
    server: base,
    apiKey,
    unauthorizedHint,
    async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        throw new CliError(unreachable(base, error));
      }
      const text = await response.text();
      const parsed = parseJson(text);
      if (!response.ok) throw new CliError(refusal(response.status, parsed, text, unauthorizedHint));
      return parsed as T;
    },
  };
}

/** Why a request never got an answer, in words: "connection refused" rather than "fetch failed". */
export function unreachable(server: string, error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason =
    cause?.code === 'ECONNREFUSED'
      ? 'connection refused'
      : cause?.code === 'ENOTFOUND'
        ? 'unknown host'
        : (error as Error).name === 'TimeoutError'
          ? 'no answer in time'
          : (cause?.message ?? (error as Error).message);
  return `cannot reach Laurel at ${server} (${reason}): is it running? Give its address with --server URL or LAUREL_SERVER`;
}

/** The server's own message for a refused request, with the status and, for 401, where a key comes from. */
export function refusal(status: number, parsed: unknown, text: string, unauthorizedHint = KEY_HINT): string {
  const message = parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string' ? (parsed as { error: string }).error : text.slice(0, 200) || 'no message';
  const hint = status === 401 ? `; ${unauthorizedHint}` : '';
  return `${message} (HTTP ${status})${hint}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
