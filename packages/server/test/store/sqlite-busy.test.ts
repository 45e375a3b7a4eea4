import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { freePort, startServerProcess } from '../support/server-process.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const API_KEY = 'sqlbusy1.0123456789abcdefghijklmnopqrstuv';

/**
 * Another process writing to the server's SQLite file (as `laurel keys create` does) makes the
 * server's writes wait, never fail with 500: short writes are waited for, and a write lock held
 * past the busy timeout answers 503 with Retry-After and leaves nothing half-written.
 */
describe('SQLite: writes of another process never make a request fail with 500', () => {
  let dir: string;
  let path: string;
  let server: ChildProcess | undefined;
  let base: string;

  const event = (user: string, idempotencyKey: string) =>
    fetch(`${base}/v1/metrics/lessons/event`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ user: { id: user }, value: 1 }),
    });
  /** Read from the test's own connection, as a third process would. */
  const count = (sql: string, ...parameters: unknown[]) => {
    const reader = new SQLite(path, { readonly: true });
    try {
      return (reader.prepare(sql).get(...parameters) as { n: number }).n;
    } finally {
      reader.close();
    }
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'laurel-busy-'));
    path = join(dir, 'laurel.db');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _database, ...inherited } = process.env;
    server = await startServerProcess({ ...inherited, DATABASE_URL: `sqlite:${path}`, PORT: String(port), LAUREL_BOOTSTRAP_API_KEY: API_KEY, LOG_LEVEL: 'silent' }, base);
    const metric = await fetch(`${base}/admin/v1/metrics`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify([{ name: 'Lessons', key: 'lessons' }]),
    });
    assert.equal(metric.status, 201);
  });
  after(async () => {
    server?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  test('a writer holding the write lock past the busy timeout: 503 with Retry-After, and nothing recorded', { timeout: 90_000 }, async () => {
    const holder = new SQLite(path);
    holder.exec('begin immediate');
    let response: Response;
    try {
      response = await event('held-user', 'held-1');
    } finally {
      holder.exec('rollback');
      holder.close();
    }
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '1');
    const body = (await response.json()) as { error: string; code: string };
    assert.match(body.error, /database is busy.*Nothing was written/);
    assert.equal(body.code, 'database_busy');
    assert.equal(count('select count(*) as n from users where id = ?', 'held-user'), 0, 'no user row');
    assert.equal(count('select count(*) as n from metric_events'), 0, 'no metric event');

    // The idempotency key was not used up: sent again, the event is recorded once.
    const again = await event('held-user', 'held-1');
    assert.equal(again.status, 201);
    assert.equal(count('select count(*) as n from metric_events'), 1);
  });

  test('short writes of a second process while 60 events arrive at once: every event succeeds and is recorded', { timeout: 60_000 }, async () => {
    const writer = await startShortWriter(path);
    try {
      // Waves of concurrent events while the writer takes the lock for 3 ms of every 5.
      const responses: Response[] = [];
      for (let wave = 0; wave < 3; wave++) {
        responses.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => event(`user-${wave}-${i}`, `short-${wave}-${i}`)))));
      }
      const statuses = responses.map((r) => r.status);
      assert.deepEqual(statuses.filter((s) => s !== 201), [], `every event was recorded (${statuses.join(' ')})`);
    } finally {
      writer.kill('SIGTERM');
      await once(writer, 'exit');
    }
    assert.equal(count("select count(*) as n from metric_events where user_id like 'user-%'"), 60);
    assert.ok(count('select count(*) as n from test_writer') > 0, "the other process's writes went through too");
  });
});

/**
 * A second process that takes the write lock over and over, briefly: each transaction holds it
 * for 3 ms, then lets go for 2 ms, until it is stopped.
 */
async function startShortWriter(path: string): Promise<ChildProcess> {
  const program = `
    import SQLite from 'better-sqlite3';
    const db = new SQLite(process.argv[1]);
    db.exec('create table if not exists test_writer (n integer not null)');
    const insert = db.prepare('insert into test_writer (n) values (?)');
    let n = 0;
    const write = () => {
      db.exec('begin immediate');
      insert.run(n++);
      const until = Date.now() + 3;
      while (Date.now() < until);
      db.exec('commit');
      if (n === 1) console.log('writing');
      setTimeout(write, 2);
    };
    write();
    process.on('SIGTERM', () => { db.close(); process.exit(0); });
  `;
  const writer = spawn(process.execPath, ['--input-type=module', '-e', program, path], { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] });
  await once(writer.stdout!, 'data');
  return writer;
}
