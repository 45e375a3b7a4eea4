import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { describeRateLimit, parseRateLimit } from '../../src/config/rate-limits.js';
import { ensureDefaultEnvironments, findEnvironmentByName } from '../../src/environments/environments.js';
import { databaseCounter, memoryCounter, type RateLimitCounter } from '../../src/http/rate-limit-counters.js';
import { tierOf } from '../../src/http/rate-limit-tiers.js';
import type { Backend } from '../../src/store/backends/backend.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openBackend } from '../../src/store/open-backend.js';
import { forEachBackend } from '../support/backends.js';

describe('rate-limit settings', () => {
  test('off, empty, or REQUESTS/WINDOW with a window from 1s to 1d', () => {
    assert.deepEqual(parseRateLimit('off'), { limit: undefined });
    assert.deepEqual(parseRateLimit(''), { limit: undefined });
    assert.deepEqual(parseRateLimit('1000/1s'), { limit: { max: 1000, windowMs: 1_000 } });
    assert.deepEqual(parseRateLimit(' 30000 / 1m '), { limit: { max: 30_000, windowMs: 60_000 } });
    assert.deepEqual(parseRateLimit('5/1d'), { limit: { max: 5, windowMs: 86_400_000 } });
    for (const bad of ['0/1s', '-1/1s', '1.5/1s', 'lots', '100', '100/', '100/soon', 'on']) {
      assert.match((parseRateLimit(bad) as { error: string }).error, /is not a rate limit like 1000\/1s/, bad);
    }
    for (const bad of ['10/500ms', '10/2d']) assert.match((parseRateLimit(bad) as { error: string }).error, /between 1s and 1d/, bad);
  });

  test('a bad value stops the start with the variable named; the default is off for every tier', () => {
    assert.throws(() => loadConfig({ LAUREL_RATE_LIMIT_ADMIN: '5 per second' }), (error: Error) => error instanceof ConfigError && /LAUREL_RATE_LIMIT_ADMIN: "5 per second" is not a rate limit/.test(error.message));
    assert.deepEqual(loadConfig({}).rateLimits, { events: undefined, application: undefined, admin: undefined });
    assert.deepEqual(loadConfig({ LAUREL_RATE_LIMIT_EVENTS: '50/1s' }).rateLimits.events, { max: 50, windowMs: 1_000 });
  });

  test('limits read back in the units they are written in', () => {
    assert.equal(describeRateLimit({ max: 1000, windowMs: 1_000 }), '1000 requests per 1s');
    assert.equal(describeRateLimit({ max: 1, windowMs: 90_000 }), '1 request per 90s');
    assert.equal(describeRateLimit({ max: 7, windowMs: 7_200_000 }), '7 requests per 2h');
  });

  test('tiers: event ingestion and completions, the rest of /v1, /admin/v1; nothing else', () => {
    assert.equal(tierOf('POST', '/v1/metrics/:key/event'), 'events');
    assert.equal(tierOf('POST', '/v1/achievements/:key/complete'), 'events');
    assert.equal(tierOf('GET', '/v1/achievements'), 'application');
    assert.equal(tierOf('POST', '/v1/users'), 'application');
    assert.equal(tierOf('GET', '/v1/leaderboards/:key'), 'application');
    assert.equal(tierOf('POST', '/admin/v1/metrics/events'), 'admin');
    assert.equal(tierOf('GET', '/admin/v1/webhooks'), 'admin');
    for (const url of ['/healthz', '/metrics', '/openapi.json', '/console/v1/login', '/', '/v1']) assert.equal(tierOf('GET', url), undefined, url);
  });
});

/** The same walk through windows for both counters: they must answer alike. */
function counterContract(counter: () => Promise<RateLimitCounter>, environments: () => [string, string]): void {
  test('counts within a window, restarts in a newer one, and counts a lagging stamp in the newer one', async () => {
    const [a] = environments();
    const c = await counter();
    assert.deepEqual(await c.increment(a, 'events', 60_000), { count: 1, windowStart: 60_000 });
    assert.deepEqual(await c.increment(a, 'events', 60_000), { count: 2, windowStart: 60_000 });
    assert.deepEqual(await c.increment(a, 'events', 120_000), { count: 1, windowStart: 120_000 });
    // A process whose clock lags still stamps the old window: it does not reset the new one.
    assert.deepEqual(await c.increment(a, 'events', 60_000), { count: 2, windowStart: 120_000 });
    assert.deepEqual(await c.increment(a, 'events', 120_000), { count: 3, windowStart: 120_000 });
  });

  test('tiers and environments have counts of their own', async () => {
    const [a, b] = environments();
    const c = await counter();
    await c.increment(a, 'admin', 0);
    await c.increment(a, 'admin', 0);
    assert.deepEqual(await c.increment(a, 'application', 0), { count: 1, windowStart: 0 });
    assert.deepEqual(await c.increment(b, 'admin', 0), { count: 1, windowStart: 0 });
    assert.deepEqual(await c.increment(a, 'admin', 0), { count: 3, windowStart: 0 });
  });
}

describe('the memory counter', () => {
  counterContract(async () => memoryCounter(), () => ['env-a', 'env-b']);
});

forEachBackend('the database counter', (database) => {
  let backend: Backend;
  let ids: [string, string];
  before(async () => {
    backend = openBackend(database().url);
    await migrateToLatest(backend.db);
    await ensureDefaultEnvironments(backend.db, 0);
    ids = [(await findEnvironmentByName(backend.db, 'production'))!.id, (await findEnvironmentByName(backend.db, 'development'))!.id];
  });
  after(() => backend.close());

  // Each test starts from an empty table, as the memory counter starts empty.
  const fresh = async () => {
    await backend.db.deleteFrom('rate_limit_counters').execute();
    return databaseCounter(backend.queue);
  };
  counterContract(fresh, () => ids);

  test('many increments at once on one row are each counted once, each with its own place in the count', async () => {
    const counter = await fresh();
    const counts = await Promise.all(Array.from({ length: 40 }, () => counter.increment(ids[0], 'events', 0)));
    assert.deepEqual(counts.map((c) => c.count).sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.deepEqual(await backend.db.selectFrom('rate_limit_counters').select(['tier', 'window_start', 'count']).execute(), [{ tier: 'events', window_start: 0, count: 40 }]);
  });

  test('requests sent together across a window boundary all count in the newer window', async () => {
    const counter = await fresh();
    // The first goes at once; the three sent while it is in flight are added by one upsert, stamped with the newest window.
    const first = counter.increment(ids[1], 'events', 0);
    const together = [counter.increment(ids[1], 'events', 0), counter.increment(ids[1], 'events', 60_000), counter.increment(ids[1], 'events', 0)];
    assert.deepEqual(await first, { count: 1, windowStart: 0 });
    const counts = await Promise.all(together);
    assert.deepEqual(counts, [{ count: 1, windowStart: 60_000 }, { count: 2, windowStart: 60_000 }, { count: 3, windowStart: 60_000 }]);
  });
});
