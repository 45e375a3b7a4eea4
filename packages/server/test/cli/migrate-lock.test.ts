import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, startServerProcess } from '../support/server-process.js';
import { runCli } from './cli-process.js';

/**
 * `laurel migrate` takes the SQLite server lock as `laurel start` does: it refuses a file that a
 * running server holds, naming the holder, and changes nothing; once the server is gone it
 * migrates, and a server starts on the file after it (the lock went with the command).
 * PostgreSQL is shared by design (the migrator takes its own lock), so this is SQLite's alone.
 */
describe('laurel migrate beside a running server (SQLite)', () => {
  let dir: string;
  let path: string;
  let server: ChildProcess | undefined;
  const environment = (port: number) => {
    const { DATABASE_URL: _database, LAUREL_BOOTSTRAP_API_KEY: _key, ...inherited } = process.env;
    return { ...inherited, DATABASE_URL: `sqlite:${path}`, PORT: String(port), LOG_LEVEL: 'error' };
  };
  const startServer = async () => {
    const port = await freePort();
    server = await startServerProcess(environment(port), `http://127.0.0.1:${port}`);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'laurel-migrate-lock-'));
    path = join(dir, 'laurel.db');
    await startServer();
  });
  after(async () => {
    server?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  test('refuses while a server holds the file, naming it and the server, exit 1', { timeout: 60_000 }, async () => {
    const refused = await runCli(['migrate'], environment(0));
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(refused.stdout, '', 'nothing was applied');
    assert.match(refused.stderr, new RegExp(`^laurel: not migrating ${path.replace(/[.]/g, '\\.')}: a running Laurel server holds it, process ${server!.pid} on `));
    assert.match(refused.stderr, /laurel start on 127\.0\.0\.1:\d+/);
    assert.match(refused.stderr, /stop that server, then run laurel migrate/);
  });

  test('migrates once the server has stopped, and leaves no lock behind', { timeout: 60_000 }, async () => {
    server!.kill('SIGTERM');
    await once(server!, 'exit');
    server = undefined;
    const migrated = await runCli(['migrate'], environment(0));
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.equal(migrated.stdout.trim(), 'Database is up to date.', 'the server had migrated it at its start');
    await startServer();
    assert.ok(server!.pid, 'a server starts on the file after migrate');
  });
});
