/**
 * The dashboard's only door to the server: the same /admin/v1, /v1 and /console/v1 APIs that API-key
 * clients use, authenticated by the session cookie. The environment travels in X-Laurel-Environment
 * and every state-changing call carries the session's CSRF token.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions {
  /** Environment name or id; required for /admin/v1 and /v1 paths. */
  environment?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

let csrfToken: string | undefined;
const unauthorizedListeners = new Set<() => void>();

/** Set from the session (login, setup, GET /console/v1/session); cleared on sign-out. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when any request answers 401, so the app can go back to the sign-in page. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.environment) headers['x-laurel-environment'] = options.environment;
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let url = path;
  if (options.query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query)) if (value !== undefined && value !== '') params.set(key, String(value));
    const text = params.toString();
    if (text) url += `?${text}`;
  }

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'The Laurel server could not be reached. Is it running?');
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/console/v1/login')) for (const listener of unauthorizedListeners) listener();
    const message =
      data && typeof data === 'object' && 'error' in data && typeof data.error === 'string' ? data.error : `Request failed with status ${response.status}`;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(response.status, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: text.slice(0, 200) };
  }
}

/** Shorthands bound to one environment, for pages that live inside it. */
export function environmentApi(environment: string) {
  return {
    /** The environment's id, for routes that name it in the path (the console's). */
    environment,
    get: <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) =>
      request<T>('GET', path, { environment, ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
    post: <T>(path: string, body?: unknown, query?: RequestOptions['query']) => request<T>('POST', path, { environment, body, ...(query ? { query } : {}) }),
    put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { environment, body }),
    patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { environment, body }),
    delete: <T>(path: string, query?: RequestOptions['query']) => request<T>('DELETE', path, { environment, ...(query ? { query } : {}) }),
  };
}

export type EnvironmentApi = ReturnType<typeof environmentApi>;

/** The Admin API's bulk calls answer `{created|updated|deleted, issues}`; a single-item form surfaces the item's issue as an error. */
export interface AdminIssue {
  id?: string;
  index?: number;
  severity: 'error' | 'warning';
  message: string;
}

export function firstIssue(issues: readonly AdminIssue[] | undefined): string | undefined {
  return issues?.find((issue) => issue.severity === 'error')?.message;
}
