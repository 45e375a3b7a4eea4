import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, errors, type ServerError } from '../errors.js';
import { MAX_ID_LENGTH } from './schemas/common.js';

/**
 * The HTTP side of the error catalogue (../errors.ts): Fastify's own errors as catalogue entries,
 * and the reply every error gets.
 */

// What a client sent (a content-type, a malformed path) is echoed in messages cut to this length.
const MAX_ECHOED_LENGTH = 100;

/**
 * The wire body: Trophy's `{"error": message}`, plus the catalogue's code (a Laurel extension:
 * Trophy's SDKs read only `error` and pass other keys through).
 */
export function errorBody(error: ApiError | ServerError): { error: string; code: string } {
  return { error: error.message, code: error.code };
}

export function sendError(reply: FastifyReply, error: ApiError | ServerError): FastifyReply {
  if ('retryAfterSeconds' in error && error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.status(error.statusCode).send(errorBody(error));
}

/** The catalogue entry for a client's mistake that reached the error handler; undefined for our own bugs. */
export function clientErrorOf(error: FastifyError | ApiError, request: FastifyRequest, bodyLimit: number): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as FastifyError).validationContext ?? 'request';
    const problems = error.validation.map((v) => `${context}${formatPath(v.instancePath)}: ${v.message}`);
    return errors.invalid(problems.join('; '));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.malformedJson();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.emptyJson();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(request.headers['content-type']?.slice(0, MAX_ECHOED_LENGTH));
  }
  if (error instanceof SyntaxError) return errors.malformedJson();
  // Any other 4xx of Fastify's (an invalid content-length) or of @fastify/static's for the
  // dashboard's files (a stale If-Match, a range past the end).
  const status = (error as FastifyError).statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  switch (status) {
    case 412:
      return errors.preconditionFailed();
    case 416:
      return errors.rangeNotSatisfiable();
    default:
      return errors.badRequest(error.message);
  }
}

/** Errors Fastify raises before routing (its `frameworkErrors` option) as catalogue entries. */
export function frameworkErrorOf(error: FastifyError, request: FastifyRequest): ApiError {
  const path = request.url.split('?')[0] ?? request.url;
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return errors.paramTooLong(MAX_ID_LENGTH);
  if (error.code === 'FST_ERR_BAD_URL') return errors.badUrl(path.slice(0, MAX_ECHOED_LENGTH));
  return errors.badRequest(error.message);
}

/** "/0/url" -> "[0].url", so messages read like the JSON the client sent. */
function formatPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('');
}
