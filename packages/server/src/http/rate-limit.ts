import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { describeRateLimit, RATE_LIMIT_TIERS } from '../config/rate-limits.js';
import { errors } from '../errors.js';
import type { HttpDependencies } from './dependencies.js';
import { databaseCounter, memoryCounter } from './rate-limit-counters.js';
import { counterStore, rateLimitKey } from './rate-limit-store.js';
import { tierOf } from './rate-limit-tiers.js';

const REJECTED_METRIC = 'laurel_rate_limited_requests_total';

/**
 * Rate limits per environment and tier (config/rate-limits.ts) on the routes registered after
 * this, through @fastify/rate-limit: X-RateLimit-Limit, -Remaining and -Reset on every limited
 * answer, and 429 `rate_limited` with Retry-After once a window's count passes the limit. The
 * count runs after authentication (route hooks follow the scope's auth hook), so it is the API
 * key's environment that is counted; requests signed in with a dashboard session are not counted.
 * Where several processes share the database the count lives there, otherwise in memory.
 * Nothing is registered while every tier is off.
 */
export async function registerRateLimits(app: FastifyInstance, deps: HttpDependencies): Promise<void> {
  const limits = deps.config.rateLimits;
  if (RATE_LIMIT_TIERS.every((tier) => limits[tier] === undefined)) return;
  const counter = deps.backend.sharedByProcesses ? databaseCounter(deps.backend.queue) : memoryCounter();
  const rejected = rejectedCounter(deps);

  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    const tier = tierOf(methods.includes('POST') ? 'POST' : String(methods[0]), route.url);
    const limit = tier === undefined ? undefined : limits[tier];
    if (tier === undefined || limit === undefined) return;
    const described = describeRateLimit(limit);
    route.config = {
      ...route.config,
      rateLimit: {
        max: limit.max,
        timeWindow: limit.windowMs,
        keyGenerator: (request: FastifyRequest) => rateLimitKey(tier, request.environmentId),
        allowList: (request: FastifyRequest) => request.headers['x-api-key'] === undefined,
        onExceeded: () => rejected.inc({ tier }),
        errorResponseBuilder: () => errors.rateLimited(tier, described),
      },
    };
  });
  // global: false, so only the routes given a rateLimit config above are limited.
  await app.register(rateLimit, { global: false, store: counterStore(counter, deps.clock) });
}

/** One counter per registry, though the app may be built more than once on it. */
function rejectedCounter(deps: HttpDependencies): Counter<'tier'> {
  const existing = deps.metrics.registry.getSingleMetric(REJECTED_METRIC);
  if (existing) return existing as Counter<'tier'>;
  return new Counter({
    name: REJECTED_METRIC,
    help: 'API requests answered 429 by a rate limit, by tier.',
    labelNames: ['tier'] as const,
    registers: [deps.metrics.registry],
  });
}
