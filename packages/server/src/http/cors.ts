import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { CorsOrigins } from '../config/cors-origins.js';

// A browser reads these from a cross-origin answer only when they are exposed (http/rate-limit.ts sets them).
const EXPOSED_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'];
// Preflight answers are cached this long by the browser (Chrome caps it at 2 hours).
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * CORS for the Application API only (LAUREL_CORS_ORIGINS), so that web pages can call it with an
 * application API key, which is safe in a browser. Registered before the scope's authentication:
 * a preflight carries no key and is answered by the plugin's hook before the key is asked for, and
 * an answer refused by authentication still carries the headers, so the page can read the error.
 * Never registered on /admin/v1 or /console/v1: a browser page on another origin cannot read them.
 */
export async function allowCrossOrigin(scope: FastifyInstance, origins: CorsOrigins): Promise<void> {
  if (origins === 'off') return;
  await scope.register(cors, {
    origin: origins === '*' ? '*' : [...origins],
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    // Keys travel in X-API-KEY, never in cookies: no credentialed requests.
    credentials: false,
  });
}
