import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseBusy } from '../store/database-errors.js';
import { ApiError, errors, unavailableErrors } from './errors.js';
import { MAX_ID_LENGTH } from './schemas/common.js';

// What a client sent (a content-type, a malformed path) is echoed in messages cut to this length.
const MAX_ECHOED_LENGTH = 100;

/** Maps every failure to `{error}` with the right status; only our own bugs become 500, and they say nothing inside. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    const error = errors.routeNotFound(request.method, request.url.split('?')[0] ?? request.url);
    return reply.status(error.statusCode).send({ error: error.message });
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const mapped = toApiError(error, request, app.initialConfig.bodyLimit ?? 0);
    if (mapped) return reply.status(mapped.statusCode).send({ error: mapped.message });
    // Another process held SQLite's write lock past the busy timeout: the transaction was rolled back.
    if (isDatabaseBusy(error)) {
      const busy = unavailableErrors.databaseBusy();
      request.log.warn({ err: error }, 'database busy');
      return reply.status(busy.statusCode).header('retry-after', String(busy.retryAfterSeconds)).send({ error: busy.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'Internal server error' });
  });
}

function toApiError(error: FastifyError | ApiError, request: FastifyRequest, bodyLimit: number): ApiError | undefined {
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
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) return new ApiError(status as 400, error.message);
  return undefined;
}

/**
 * Errors Fastify raises before routing (Fastify's `frameworkErrors` option), in the same `{error}`
 * shape as every other failure instead of Fastify's default body.
 */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0] ?? request.url;
  const mapped =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? errors.paramTooLong(MAX_ID_LENGTH)
      : error.code === 'FST_ERR_BAD_URL'
        ? errors.badUrl(path.slice(0, MAX_ECHOED_LENGTH))
        : errors.badRequest(error.message);
  void reply.status(mapped.statusCode).send({ error: mapped.message });
}

/** "/0/url" -> "[0].url", so messages read like the JSON the client sent. */
function formatPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('');
}
