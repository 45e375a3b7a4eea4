import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { request as consoleRequest, setUpOwner } from '../console/console.js';

/**
 * Rate limits per environment and tier (LAUREL_RATE_LIMIT_*), through the whole app on both
 * backends: SQLite counts in memory, PostgreSQL in rate_limit_counters. The clock is manual, so
 * the windows (aligned to the minute here) are walked through exactly.
 */
const MINUTE = 60_000;
const LIMITS = { LAUREL_RATE_LIMIT_EVENTS: '3/1m', LAUREL_RATE_LIMIT_APPLICATION: '4/1m', LAUREL_RATE_LIMIT_ADMIN: '5/1m' };

interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

forEachBackend('rate limits', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  const send = async (method: 'GET' | 'POST', url: string, key: string | undefined, body?: unknown): Promise<Answer> => {
    const headers: Record<string, string> = key === undefined ? {} : { 'x-api-key': key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await laurel.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined, headers: response.headers };
  };
  const event = (key: string, user: string) => send('POST', '/v1/metrics/lessons/event', key, { user: { id: user }, value: 1 });
  const limitHeaders = (answer: Answer) => [answer.headers['x-ratelimit-limit'], answer.headers['x-ratelimit-remaining'], answer.headers['x-ratelimit-reset']];
  /** Moves the clock to the start of the next minute, where every count starts again. */
  const nextWindow = () => clock.set(clock.now() - (clock.now() % MINUTE) + MINUTE);

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock, env: LIMITS });
    for (const key of [laurel.keys.development, laurel.keys.production]) {
      assert.equal((await send('POST', '/admin/v1/metrics', key, [{ name: 'Lessons', key: 'lessons' }])).status, 201);
    }
  });
  after(() => laurel.close());

  test('a tier answers with its headers, then 429 rate_limited with Retry-After, writing nothing, until its window ends', async () => {
    nextWindow();
    const key = laurel.keys.development;
    const answers = [await event(key, 'ada'), await event(key, 'ada'), await event(key, 'ada')];
    assert.deepEqual(answers.map((a) => a.status), [201, 201, 201]);
    assert.deepEqual(answers.map(limitHeaders), [['3', '2', '60'], ['3', '1', '60'], ['3', '0', '60']]);
    assert.equal(answers[0]!.headers['retry-after'], undefined, 'Retry-After only on a refusal');

    clock.advance(20_000);
    const refused = await event(key, 'ada');
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'rate_limited');
    assert.equal(refused.body.error, 'Rate limit exceeded: the events tier allows 3 requests per 1m per environment; send again after the seconds in Retry-After');
    assert.equal(refused.headers['retry-after'], '40');
    assert.deepEqual(limitHeaders(refused), ['3', '0', '40']);
    // The refused event was not recorded: ada's total is the three accepted ones.
    const metric = await send('GET', '/v1/users/ada/metrics/lessons', key);
    assert.equal(metric.status, 200);
    assert.equal(metric.body.current, 3);
    // Where the count lives: the database when processes share it (PostgreSQL), else memory.
    const rows = await laurel.backend.db.selectFrom('rate_limit_counters').select(['tier', 'count']).execute();
    assert.deepEqual(rows.filter((row) => row.tier === 'events'), laurel.backend.sharedByProcesses ? [{ tier: 'events', count: 4 }] : []);

    clock.advance(39_999);
    assert.equal((await event(key, 'ada')).headers['retry-after'], '1', 'still refused 1 ms before the window ends');
    clock.advance(1);
    const again = await event(key, 'ada');
    assert.equal(again.status, 201);
    assert.deepEqual(limitHeaders(again), ['3', '2', '60']);
  });

  test('tiers count apart: events spent, the Application reads and the Admin API still answer, each with its own limit', async () => {
    nextWindow();
    const key = laurel.keys.development;
    for (let i = 0; i < 3; i++) assert.equal((await event(key, 'grace')).status, 201);
    assert.equal((await event(key, 'grace')).status, 429);

    const reads = [];
    for (let i = 0; i < 5; i++) reads.push(await send('GET', '/v1/users/grace', key));
    assert.deepEqual(reads.map((a) => a.status), [200, 200, 200, 200, 429]);
    assert.deepEqual(limitHeaders(reads[0]!), ['4', '3', '60']);
    assert.match(reads[4]!.body.error, /the application tier allows 4 requests per 1m/);

    const admin = await send('GET', '/admin/v1/metrics', key);
    assert.equal(admin.status, 200);
    assert.deepEqual(limitHeaders(admin), ['5', '4', '60']);
  });

  test("environments count apart: one environment's spent tier leaves another's whole", async () => {
    nextWindow();
    for (let i = 0; i < 3; i++) assert.equal((await event(laurel.keys.development, 'linus')).status, 201);
    assert.equal((await event(laurel.keys.development, 'linus')).status, 429);
    const production = await event(laurel.keys.production, 'linus');
    assert.equal(production.status, 201);
    assert.deepEqual(limitHeaders(production), ['3', '2', '60']);
  });

  test('an unauthenticated request is refused before it is counted; routes outside the APIs are not limited', async () => {
    nextWindow();
    const key = laurel.keys.development;
    for (let i = 0; i < 6; i++) {
      const refused = await send('GET', '/v1/users/ada', 'nope.wrong');
      assert.equal(refused.status, 401);
      assert.equal(refused.headers['x-ratelimit-limit'], undefined);
    }
    assert.deepEqual(limitHeaders(await send('GET', '/v1/users/ada', key)), ['4', '3', '60']);
    for (let i = 0; i < 6; i++) {
      const health = await send('GET', '/healthz', undefined);
      assert.equal(health.status, 200);
      assert.equal(health.headers['x-ratelimit-limit'], undefined);
    }
  });

  test("the dashboard's session requests are not counted, and leave the keys' count as it was", async () => {
    nextWindow();
    const browser = await setUpOwner(laurel);
    for (let i = 0; i < 8; i++) {
      const read = await consoleRequest(laurel, 'GET', '/admin/v1/metrics', { as: browser, environment: 'development' });
      assert.equal(read.status, 200);
      assert.equal(read.headers['x-ratelimit-limit'], undefined);
    }
    assert.deepEqual(limitHeaders(await send('GET', '/admin/v1/metrics', laurel.keys.development)), ['5', '4', '60']);
  });
});

forEachBackend('rate limits off (the default)', (database) => {
  let laurel: TestLaurel;
  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url });
  });
  after(() => laurel.close());

  test('no tier is limited and no rate-limit header is sent', async () => {
    for (let i = 0; i < 8; i++) {
      const response = await laurel.app.inject({ method: 'GET', url: '/admin/v1/metrics', headers: { 'x-api-key': laurel.keys.development } });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['x-ratelimit-limit'], undefined);
    }
  });
});
