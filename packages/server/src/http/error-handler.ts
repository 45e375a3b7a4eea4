import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ApiError, errors, serverErrors } from '../errors.js';
import { isDatabaseBusy, isDatabaseUnreachable } from '../store/database-errors.js';
import { clientErrorOf, frameworkErrorOf, sendError } from './errors.js';

/** Maps every failure to a catalogue entry and its body; only our own bugs become 500, and they say nothing inside. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => sendError(reply, errors.routeNotFound(request.method, request.url.split('?')[0] ?? request.url)));

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const mapped = clientErrorOf(error, request, app.initialConfig.bodyLimit ?? 0);
    if (mapped) return sendError(reply, mapped);
    // Another process held SQLite's write lock past the busy timeout: the transaction was rolled back.
    if (isDatabaseBusy(error)) {
      request.log.warn({ err: error }, 'database busy');
      return sendError(reply, serverErrors.databaseBusy());
    }
    // Load or an outage, not a bug: the client is told to come back, and the log says why.
    if (isDatabaseUnreachable(error)) {
      request.log.warn({ err: error }, 'database unreachable');
      return sendError(reply, serverErrors.databaseUnavailable());
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, serverErrors.internal());
  });
}

/**
 * Errors Fastify raises before routing (Fastify's `frameworkErrors` option), in the same body as
 * every other failure instead of Fastify's default one.
 */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, frameworkErrorOf(error, request));
}
