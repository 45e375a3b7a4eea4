import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { authenticateApiKey, touchApiKey } from '../environments/api-keys.js';
import type { Schema } from '../store/schema.js';
import { errors } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The environment of the API key that authenticated this request; every query is scoped to it. */
    environmentId: string;
  }
}

// last_used_at is informational; writing it on every request would double the writes of reads.
const TOUCH_INTERVAL_MS = 60_000;

/** Requires `X-API-KEY` on every route of the plugin it is registered in. */
export function requireApiKey(app: FastifyInstance, db: Kysely<Schema>, clock: Clock): void {
  const touched = new Map<string, number>();
  app.decorateRequest('environmentId', '');
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers['x-api-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    if (!presented) throw errors.unauthorized();
    const key = await authenticateApiKey(db, presented);
    if (!key) throw errors.unauthorized();
    request.environmentId = key.environmentId;
    const now = clock.now();
    if ((touched.get(key.keyId) ?? 0) + TOUCH_INTERVAL_MS < now) {
      touched.set(key.keyId, now);
      await touchApiKey(db, key.keyId, now);
    }
  });
}
