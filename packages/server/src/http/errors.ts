/**
 * The one catalogue of errors the API answers with. Every client-facing failure is an ApiError
 * with its HTTP status and a message that names the field or object at fault; the body is always
 * `{"error": "..."}`, Trophy's shape. 409 is never used by `errors`: Trophy's SDK retries it. Only
 * the console API (/console/v1, the dashboard's own, which no Trophy SDK calls) answers 409, from
 * `consoleErrors` below.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429,
    message: string,
    /** On `notFound`: what was looked up, so the Application API can say where (notFoundInEnvironment). */
    readonly lookup?: { what: string; id: string },
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const errors = {
  unauthorized: () => new ApiError(401, 'Missing or invalid API key: send X-API-KEY: {prefix}.{secret}'),
  forbidden: (message: string) => new ApiError(403, message),
  setupTokenMissing: () =>
    new ApiError(403, 'In production mode the owner account can only be created with a set-up token: start the server with LAUREL_SETUP_TOKEN set and send it as setupToken'),
  setupTokenWrong: () => new ApiError(403, 'setupToken does not match the LAUREL_SETUP_TOKEN the server was started with'),
  // ---- Dashboard sessions (the laurel_session cookie) and the console API.
  signInRequired: () => new ApiError(401, 'Not signed in, or the session has ended: sign in again'),
  wrongCredentials: () => new ApiError(401, 'email or password is wrong'),
  wrongCurrentPassword: () => new ApiError(400, 'currentPassword is wrong'),
  csrf: () => new ApiError(403, 'Missing or wrong X-CSRF-Token: send the csrfToken of your session with every POST, PUT, PATCH and DELETE'),
  passwordChangeRequired: () => new ApiError(403, 'change your one-time password first'),
  ownerOnly: () => new ApiError(403, 'Only the owner can add or remove members'),
  environmentHeaderMissing: () => new ApiError(400, 'Missing X-Laurel-Environment: a request signed in with a session must name its environment (id or name)'),
  environmentHeaderUnknown: (value: string) => new ApiError(400, `X-Laurel-Environment names no environment: ${value}`),
  tooManySignIns: (seconds: number) => new ApiError(429, `Too many failed sign-ins: try again in ${seconds} seconds`),
  notFound: (what: string, id: string) => new ApiError(404, `${what} not found: ${id}`, { what, id }),
  /** notFound on the Application API, naming the environment searched: a valid key for another environment is the usual cause. */
  notFoundInEnvironment: (what: string, id: string, environment: { name: string; kind: string }, via: 'key' | 'session') =>
    new ApiError(
      404,
      `${what} not found: ${id} (looked in environment "${environment.name}", kind ${environment.kind}, ${via === 'key' ? 'the environment of this API key' : 'the one X-Laurel-Environment names'})`,
      { what, id },
    ),
  routeNotFound: (method: string, url: string) => new ApiError(404, `Route ${method} ${url} not found`),
  /** The request is well-formed but a field's value is not acceptable. */
  invalid: (message: string) => new ApiError(422, message),
  /** The request is valid but breaks a rule of the platform (Trophy answers these with 400). */
  business: (message: string) => new ApiError(400, message),
  unknownAttributes: (type: 'user' | 'event', keys: readonly string[]) =>
    new ApiError(
      400,
      `Invalid attribute keys: ${keys.join(', ')}. Please ensure all attribute keys match ${type} attributes declared through POST /admin/v1/attributes.`,
    ),
  /** The request could not be understood (framework-level rejections with Fastify's own message). */
  badRequest: (message: string) => new ApiError(400, message),
  malformedJson: () => new ApiError(400, 'Malformed JSON in request body'),
  emptyJson: () => new ApiError(400, 'Request body is empty but content-type says JSON: send a JSON body, or no content-type'),
  badUrl: (url: string) => new ApiError(400, `Malformed URL ${url}: check its percent-encoding`),
  paramTooLong: (limit: number) => new ApiError(422, `A path parameter is longer than ${limit} characters`),
  bodyTooLarge: (limit: number) => new ApiError(413, `Request body exceeds ${limit} bytes`),
  unsupportedMediaType: (type: string | undefined) =>
    new ApiError(415, type ? `Unsupported content-type "${type}": send application/json` : 'Missing content-type: send application/json'),
} as const;

/** Conflicts with what exists, answered only by the console API (/console/v1). */
export const consoleErrors = {
  setupDone: () => new ApiError(409, 'Laurel is already set up: sign in instead'),
  emailTaken: (email: string) => new ApiError(409, `An account with the email ${email} already exists`),
  environmentNameTaken: (name: string) => new ApiError(409, `An environment named ${name} already exists`),
} as const;

/**
 * The server cannot do it right now, through no fault of the request, which changed nothing and
 * can be sent again after `Retry-After` seconds: 503. Apart from ApiError, whose statuses are all
 * for the client to fix.
 */
export class UnavailableError extends Error {
  readonly statusCode = 503;

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'UnavailableError';
  }
}

export const unavailableErrors = {
  // SQLite already waited its busy timeout (5 s) for the lock; by now the other writer may be done.
  databaseBusy: () =>
    new UnavailableError('The database is busy: another process held its write lock for too long. Nothing was written; send the request again', 1),
} as const;
