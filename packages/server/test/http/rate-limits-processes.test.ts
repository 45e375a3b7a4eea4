import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { freePort, startServerProcess } from '../support/server-process.js';

/**
 * Two real `laurel start` processes on one PostgreSQL database share one count per environment and
 * tier: a limit of 10 lets exactly 10 of 16 requests through, spread over both processes and sent
 * at once, and afterwards both refuse. (SQLite is served by one process, sqlite-server-lock.ts.)
 */
const API_KEY = 'prod_ratelim1.0123456789abcdefghijklmnopqrstuv';
const LIMIT = 10;
const HOUR = 3_600_000;

forEachBackend('rate limits across server processes', (database, kind) => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  if (kind === 'postgres') test('two processes on one PostgreSQL count together, exactly', { timeout: 180_000 }, async () => {
    const bases: string[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = { ...process.env, DATABASE_URL: database().url, PORT: String(port), LAUREL_BOOTSTRAP_API_KEY: API_KEY, LAUREL_RATE_LIMIT_APPLICATION: `${LIMIT}/1h`, LOG_LEVEL: 'error' };
      // One after the other: the first migrates the fresh database.
      children.push(await startServerProcess(env, base));
      bases.push(base);
    }
    // The servers' windows are the clock's hours; the requests must not straddle a boundary.
    const left = HOUR - (Date.now() % HOUR);
    if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 200));

    const send = (base: string) => fetch(`${base}/v1/achievements`, { headers: { 'x-api-key': API_KEY } });
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => send(bases[i % 2]!)));
    const passed = answers.filter((a) => a.status !== 429);
    const refused = answers.filter((a) => a.status === 429);
    assert.deepEqual(passed.map((a) => a.status), Array(LIMIT).fill(200));
    assert.equal(refused.length, 16 - LIMIT);
    // Each passed request saw its own place in the one count: remaining 9 down to 0, once each.
    assert.deepEqual(passed.map((a) => Number(a.headers.get('x-ratelimit-remaining'))).sort((a, b) => a - b), [...Array(LIMIT).keys()]);
    for (const answer of refused) {
      assert.ok(Number(answer.headers.get('retry-after')) > 0);
      assert.equal(((await answer.json()) as { code: string }).code, 'rate_limited');
    }
    // Each process had 8 of the 16, so each let at least 2 through: both took part in the one count. Both now refuse.
    const servedBy = (base: string) => answers.filter((a) => a.url.startsWith(base) && a.status === 200).length;
    assert.ok(servedBy(bases[0]!) >= 2 && servedBy(bases[1]!) >= 2, `${servedBy(bases[0]!)} and ${servedBy(bases[1]!)}`);
    for (const base of bases) assert.equal((await send(base)).status, 429);
  });
});
