import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../clock.js';
import type { RateLimitTier } from '../config/rate-limits.js';
import type { RateLimitCounter } from './rate-limit-counters.js';

/** The key @fastify/rate-limit hands the store: which tier of which environment a request counts in. */
export function rateLimitKey(tier: RateLimitTier, environmentId: string): string {
  // Tier names hold no colon, so the first one ends the tier.
  return `${tier}:${environmentId}`;
}

function parseKey(key: string): { tier: RateLimitTier; environmentId: string } {
  const colon = key.indexOf(':');
  return { tier: key.slice(0, colon) as RateLimitTier, environmentId: key.slice(colon + 1) };
}

/**
 * @fastify/rate-limit's store over a counter, with fixed windows aligned to multiples of the
 * window on Laurel's clock: every process computes the same window for the same instant, without
 * reading the database first, and the clock is a parameter (the plugin's own stores read
 * Date.now()). A burst may therefore reach twice the limit across a window's boundary.
 */
export function counterStore(counter: RateLimitCounter, clock: Clock): FastifyRateLimitStoreCtor {
  const store: FastifyRateLimitStore = {
    incr(key, callback, timeWindow) {
      const now = clock.now();
      const { tier, environmentId } = parseKey(key);
      counter.increment(environmentId, tier, now - (now % timeWindow)).then(
        ({ count, windowStart }) => callback(null, { current: count, ttl: Math.max(1, windowStart + timeWindow - now) }),
        (error: Error) => callback(error),
      );
    },
    // Each route's settings get a child; the key names the tier, so they all share one count.
    child: () => store,
  };
  // The plugin builds its store with `new`; a constructor returning an object yields that object.
  return function RateLimitCounterStore() {
    return store;
  } as unknown as FastifyRateLimitStoreCtor;
}
