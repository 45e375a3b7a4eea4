import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { HttpDependencies } from '../dependencies.js';

/** Unauthenticated operational routes: health and Prometheus metrics. */
export const systemRoutes: FastifyPluginAsync<HttpDependencies> = async (app, { backend, metrics, version }) => {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(backend.db);
      return { status: 'ok', version, database: backend.kind };
    } catch {
      return reply.status(503).send({ status: 'unavailable', version, database: backend.kind });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};
