import type { RateLimitTier } from '../config/rate-limits.js';

// Trophy's Tier 1 on the Application API: the two writes that run the pipeline of consequences.
const EVENT_ROUTES = new Set(['/v1/metrics/:key/event', '/v1/achievements/:key/complete']);

/**
 * The tier of a route, by its method and URL pattern as registered (with its prefix); undefined
 * for routes outside the two APIs (health, metrics, the dashboard, the console API), which are
 * never limited here.
 */
export function tierOf(method: string, url: string): RateLimitTier | undefined {
  if (url === '/admin/v1' || url.startsWith('/admin/v1/')) return 'admin';
  if (url.startsWith('/v1/')) return method === 'POST' && EVENT_ROUTES.has(url) ? 'events' : 'application';
  return undefined;
}
