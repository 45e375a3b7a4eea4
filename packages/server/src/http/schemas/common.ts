import { z } from 'zod';

export const MAX_ID_LENGTH = 255;

/**
 * A string the database can store. PostgreSQL text cannot hold U+0000 and answers with an error,
 * so without this check a stray NUL in a name or an id became a 500 on one backend only.
 */
export const text = () => z.string().regex(/^[^\u0000]*$/, 'must not contain NUL (\\u0000) characters');

/** An object id as a client sends it back: in a path, a query or a body. */
export const objectId = () => text().max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`);

/** Trophy's list conventions: `limit` 1-100 (default 10), `skip` >= 0. */
export const pagination = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  skip: z.coerce.number().int().min(0).default(0),
});

/** `?ids=a&ids=b` (what SDKs send) or `?ids=a,b` (what the docs show): both mean the same list. */
export const idList = z
  .union([z.string(), z.array(z.string())], { error: 'is required: give ?ids=a,b or ?ids=a&ids=b' })
  .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))
  .pipe(z.array(objectId()).min(1, 'at least one id is required').max(100, 'at most 100 ids per request'));

/** Trophy's error body, plus the error catalogue's code (src/errors.ts), a Laurel extension. */
export const errorBody = z
  .object({ error: z.string(), code: z.string().meta({ description: 'Laurel extension: the stable code of the error, from the errors table of docs/api.md' }) })
  .meta({ id: 'ErrorBody' });

export const adminIssue = z
  .object({
    id: z.string().optional(),
    index: z.number().int().optional(),
    severity: z.enum(['error', 'warning']),
    message: z.string(),
  })
  .meta({ id: 'AdminIssue' });

export const deletedResource = z.object({ id: z.string() });

export const idParam = z.object({ id: objectId() });

/**
 * Error responses every authenticated route can give, for the OpenAPI document: 400 malformed
 * request, 401 key, 403 an application API key outside what its user may do (http/access-policy.ts),
 * 404 unknown id or route, 422 invalid value.
 */
export const errorResponses = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 422: errorBody } as const;

/** Routes that take a JSON body can also answer 413 (too large) and 415 (not JSON). */
export const bodyErrorResponses = { ...errorResponses, 413: errorBody, 415: errorBody } as const;
