import { parseDuration } from './duration.js';

/**
 * The API's rate-limit tiers, after Trophy's (its Tier 1 is 5 requests/s for event ingestion and
 * every Admin route, Tier 2 50/s for the rest of the Application API). Each tier has its own
 * counter per environment.
 * - events: POST /v1/metrics/{key}/event and POST /v1/achievements/{key}/complete, the writes
 *   that run the pipeline of consequences and fan out webhooks;
 * - application: every other /v1 route (user writes and all reads);
 * - admin: every /admin/v1 route.
 */
export const RATE_LIMIT_TIERS = ['events', 'application', 'admin'] as const;
export type RateLimitTier = (typeof RATE_LIMIT_TIERS)[number];

/** At most `max` requests per fixed window of `windowMs`. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/** Each tier's limit; undefined means that tier is not limited. */
export type RateLimits = Record<RateLimitTier, RateLimit | undefined>;

// Retry-After and X-RateLimit-Reset are whole seconds, so a shorter window could not be told apart.
const MIN_WINDOW_MS = 1_000;
const MAX_WINDOW_MS = 86_400_000;

/**
 * "off" (or empty) -> undefined; "1000/1s", "30000/1m" -> {max, windowMs}; anything else -> an
 * error message naming what is expected.
 */
export function parseRateLimit(text: string): { limit: RateLimit | undefined } | { error: string } {
  const value = text.trim();
  if (value === '' || value === 'off') return { limit: undefined };
  const match = /^(\d+)\s*\/\s*(.+)$/.exec(value);
  const max = match ? Number(match[1]) : NaN;
  const windowMs = match ? parseDuration(match[2]) : undefined;
  if (!Number.isSafeInteger(max) || max < 1 || windowMs === undefined) {
    return { error: `"${text}" is not a rate limit like 1000/1s or 30000/1m (requests per window), or off` };
  }
  if (windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) {
    return { error: `"${text}": the window must be between 1s and 1d` };
  }
  return { limit: { max, windowMs } };
}

const WINDOW_UNITS: readonly [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]];

/** {max: 1000, windowMs: 1000} -> "1000 requests per 1s", in the units the setting takes. */
export function describeRateLimit({ max, windowMs }: RateLimit): string {
  const [unit, size] = WINDOW_UNITS.find(([, ms]) => windowMs % ms === 0) ?? ['ms', 1];
  return `${max} ${max === 1 ? 'request' : 'requests'} per ${windowMs / size}${unit}`;
}
