import { errorBody } from '../../schemas/common.js';

/** Errors every console route with a session can answer: 400 bad request, 401 no session, 403 CSRF or pending password change, 422 invalid value. */
export const sessionErrorResponses = { 400: errorBody, 401: errorBody, 403: errorBody, 422: errorBody } as const;
export const sessionBodyErrorResponses = { ...sessionErrorResponses, 413: errorBody, 415: errorBody } as const;

/** The OpenAPI security of console routes that need the session cookie. */
export const sessionSecurity = [{ SessionCookie: [] }];
