import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { freePort, startServerProcess } from '../support/server-process.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * SQLite mode is one server process per database file, tested with real processes: a second
 * `laurel start` on the file refuses with a message naming the file and the holder, the short CLI
 * commands keep working beside the server, and a server killed with SIGKILL leaves no lock behind.
 */
describe('SQLite: one server process per database file', () => {
  let dir: string;
  let path: string;
  let server: ChildProcess | undefined;
  let base: string;
  const environment = (port: number) => {
    const { DATABASE_URL: _database, LAUREL_BOOTSTRAP_API_KEY: _key, ...inherited } = process.env;
    return { ...inherited, DATABASE_URL: `sqlite:${path}`, PORT: String(port), LOG_LEVEL: 'error' };
  };
  const laurel = async (args: string[], env: NodeJS.ProcessEnv) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: packageDir, env, timeout: 30_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const startServer = async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServerProcess(environment(port), base);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'laurel-lock-'));
    path = join(dir, 'laurel.db');
    await startServer();
  });
  after(async () => {
    server?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  test('a second laurel start on the same file exits non-zero, naming the file and the process that holds it', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const second = await laurel(['start'], environment(port));
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`^laurel: ${path.replace(/[.]/g, '\\.')} is in use by another Laurel server: process ${server!.pid} on `));
    assert.match(second.stderr, /laurel start on 127\.0\.0\.1:\d+/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the refused server never listened');
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'the first one still serves');
  });

  test('keys create and environments work against the file of a running server', { timeout: 60_000 }, async () => {
    const created = await laurel(['keys', 'create', '--environment', 'development'], environment(0));
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    const answer = await fetch(`${base}/admin/v1/webhooks`, { headers: { 'x-api-key': key } });
    assert.equal(answer.status, 200, 'the running server knows the key the CLI made');

    const environments = await laurel(['environments', 'create', 'staging'], environment(0));
    assert.equal(environments.code, 0, environments.stderr);
    const listed = await laurel(['environments', 'list'], environment(0));
    assert.match(listed.stdout, /^staging\t/m);
  });

  test('a server killed with SIGKILL leaves no lock behind: the next one starts on the same file', { timeout: 60_000 }, async () => {
    server!.kill('SIGKILL');
    await once(server!, 'exit');
    await startServer();
    const refused = await laurel(['start'], environment(await freePort()));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`process ${server!.pid} on `), 'the new server holds the file now');
  });
});
