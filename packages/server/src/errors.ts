/**
 * The one catalogue of errors Laurel answers with. Each entry has a stable snake_case code, its
 * HTTP status and a message that names the field or object at fault. Domain code throws these;
 * the HTTP layer (http/errors.ts) turns them into `{"error": message, "code": code}`, Trophy's
 * body plus the code. docs/api.md's errors table lists every code with its status, and
 * test/errors.test.ts keeps the two in step.
 *
 * 409 is never used by `errors`: Trophy's SDK retries it. Only the console API (/console/v1, the
 * dashboard's own, which no Trophy SDK calls) answers 409, from `consoleErrors`.
 */

export type ClientErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 416 | 422 | 429;
export type ServerErrorStatus = 500 | 503;

/** What a not-found error looked up, so the Application API can say where (notFoundInEnvironment). */
export interface Lookup {
  what: string;
  id: string;
}

/** A failure for the client to fix (4xx): the request changed nothing. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: ClientErrorStatus,
    message: string,
    readonly lookup?: Lookup,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * A failure on Laurel's side (5xx), through no fault of the request, which changed nothing. With
 * `retryAfterSeconds`, the same request can be sent again after that long.
 */
export class ServerError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: ServerErrorStatus,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

/** A catalogue entry: called, it builds its error; its code and status can be read without building one. */
export type ErrorEntry<Args extends unknown[], E extends ApiError | ServerError> = ((...args: Args) => E) & {
  readonly code: string;
  readonly status: E['statusCode'];
};

function clientError<Args extends unknown[]>(
  code: string,
  status: ClientErrorStatus,
  message: (...args: Args) => string,
  lookup?: (...args: Args) => Lookup,
): ErrorEntry<Args, ApiError> {
  return Object.assign((...args: Args) => new ApiError(code, status, message(...args), lookup?.(...args)), { code, status });
}

function serverError(code: string, status: ServerErrorStatus, message: string, retryAfterSeconds?: number): ErrorEntry<[], ServerError> {
  return Object.assign(() => new ServerError(code, status, message, retryAfterSeconds), { code, status });
}

const lookupOf = (what: string, id: string): Lookup => ({ what, id });

export const errors = {
  unauthorized: clientError('unauthorized', 401, () => 'Missing or invalid API key: send X-API-KEY: {prefix}.{secret}'),
  forbidden: clientError('forbidden', 403, (message: string) => message),
  /** An application API key used outside what its user may do: another user, a server-only route, the Admin or console API (http/access-policy.ts). */
  applicationKeyForbidden: clientError('application_key_forbidden', 403, (message: string) => message),
  setupTokenMissing: clientError(
    'setup_token_missing',
    403,
    () => 'In production mode the owner account can only be created with a set-up token: start the server with LAUREL_SETUP_TOKEN set and send it as setupToken',
  ),
  setupTokenWrong: clientError('setup_token_wrong', 403, () => 'setupToken does not match the LAUREL_SETUP_TOKEN the server was started with'),
  // ---- Dashboard sessions (the laurel_session cookie) and the console API.
  signInRequired: clientError('sign_in_required', 401, () => 'Not signed in, or the session has ended: sign in again'),
  wrongCredentials: clientError('wrong_credentials', 401, () => 'email or password is wrong'),
  wrongCurrentPassword: clientError('wrong_current_password', 400, () => 'currentPassword is wrong'),
  csrf: clientError(
    'csrf_token_invalid',
    403,
    () => 'Missing or wrong X-CSRF-Token: send the csrfToken of your session with every POST, PUT, PATCH and DELETE',
  ),
  passwordChangeRequired: clientError('password_change_required', 403, () => 'change your one-time password first'),
  ownerOnly: clientError('owner_only', 403, () => 'Only the owner can add or remove members'),
  environmentHeaderMissing: clientError(
    'environment_header_missing',
    400,
    () => 'Missing X-Laurel-Environment: a request signed in with a session must name its environment (id or name)',
  ),
  environmentHeaderUnknown: clientError('environment_header_unknown', 400, (value: string) => `X-Laurel-Environment names no environment: ${value}`),
  tooManySignIns: clientError('too_many_sign_ins', 429, (seconds: number) => `Too many failed sign-ins: try again in ${seconds} seconds`),
  /** An environment's API keys sent more requests in a tier's window than LAUREL_RATE_LIMIT_* allows (http/rate-limit.ts). */
  rateLimited: clientError(
    'rate_limited',
    429,
    (tier: string, limit: string) => `Rate limit exceeded: the ${tier} tier allows ${limit} per environment; send again after the seconds in Retry-After`,
  ),
  // ---- What a request names.
  notFound: clientError('not_found', 404, (what: string, id: string) => `${what} not found: ${id}`, lookupOf),
  /** notFound on the Application API, naming the environment searched: a valid key for another environment is the usual cause. */
  notFoundInEnvironment: clientError(
    'not_found',
    404,
    (what: string, id: string, environment: { name: string; kind: string }, via: 'key' | 'session') =>
      `${what} not found: ${id} (looked in environment "${environment.name}", kind ${environment.kind}, ${via === 'key' ? 'the environment of this API key' : 'the one X-Laurel-Environment names'})`,
    lookupOf,
  ),
  routeNotFound: clientError('route_not_found', 404, (method: string, url: string) => `Route ${method} ${url} not found`),
  /** The request is well-formed but a field's value is not acceptable. */
  invalid: clientError('invalid', 422, (message: string) => message),
  /** The request is valid but breaks a rule of the platform that depends on stored data (Trophy answers these with 400). */
  business: clientError('rule_broken', 400, (message: string) => message),
  unknownAttributes: clientError(
    'unknown_attributes',
    400,
    (type: 'user' | 'event', keys: readonly string[]) =>
      `Invalid attribute keys: ${keys.join(', ')}. Please ensure all attribute keys match ${type} attributes declared through POST /admin/v1/attributes.`,
  ),
  // ---- The request itself, as HTTP (most raised by Fastify before a route runs; see http/errors.ts).
  /** The request could not be understood (framework-level rejections with Fastify's own message). */
  badRequest: clientError('bad_request', 400, (message: string) => message),
  malformedJson: clientError('malformed_json', 400, () => 'Malformed JSON in request body'),
  emptyJson: clientError('empty_json_body', 400, () => 'Request body is empty but content-type says JSON: send a JSON body, or no content-type'),
  badUrl: clientError('malformed_url', 400, (url: string) => `Malformed URL ${url}: check its percent-encoding`),
  paramTooLong: clientError('path_parameter_too_long', 422, (limit: number) => `A path parameter is longer than ${limit} characters`),
  bodyTooLarge: clientError('body_too_large', 413, (limit: number) => `Request body exceeds ${limit} bytes`),
  unsupportedMediaType: clientError('unsupported_media_type', 415, (type: string | undefined) =>
    type ? `Unsupported content-type "${type}": send application/json` : 'Missing content-type: send application/json',
  ),
  // The dashboard's files answer conditional and range requests.
  preconditionFailed: clientError('precondition_failed', 412, () => 'Precondition failed: the file has changed since the version the request names'),
  rangeNotSatisfiable: clientError('range_not_satisfiable', 416, () => 'Range not satisfiable: the range asked for is outside the file'),
} as const;

/** Conflicts with what exists, answered only by the console API (/console/v1). */
export const consoleErrors = {
  setupDone: clientError('already_set_up', 409, () => 'Laurel is already set up: sign in instead'),
  emailTaken: clientError('email_taken', 409, (email: string) => `An account with the email ${email} already exists`),
  environmentNameTaken: clientError('environment_name_taken', 409, (name: string) => `An environment named ${name} already exists`),
} as const;

export const serverErrors = {
  // SQLite already waited its busy timeout (5 s) for the lock; by now the other writer may be done.
  databaseBusy: serverError(
    'database_busy',
    503,
    'The database is busy: another process held its write lock for too long. Nothing was written; send the request again',
    1,
  ),
  // PostgreSQL refused, dropped or timed out the connection (a restart, a failover, max_connections).
  databaseUnavailable: serverError(
    'database_unavailable',
    503,
    'The database cannot be reached right now. Nothing was written; send the request again',
    5,
  ),
  /** A Laurel bug: the details go to the log, never to the client. */
  internal: serverError('internal_error', 500, 'Internal server error'),
} as const;

/** Every entry, for the checks that keep the catalogue, the HTTP answers and docs/api.md in step. */
export const catalogue: readonly ErrorEntry<never[], ApiError | ServerError>[] = [
  ...Object.values(errors),
  ...Object.values(consoleErrors),
  ...Object.values(serverErrors),
];
