import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { PROJECT_ROOT, resolveDatabaseUrl } from '../../src/config/database-url.js';
import { freePort, startServerProcess } from '../support/server-process.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const tsx = fileURLToPath(import.meta.resolve('tsx'));

describe('where the database is: relative sqlite: paths are taken from the project root', () => {
  test('the project root is the Laurel checkout, where npm start runs', () => {
    assert.equal(JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).name, 'laurel');
  });

  test('the default and any relative path resolve against the root; absolute, in-memory and PostgreSQL are kept', () => {
    assert.equal(loadConfig({}).databaseUrl, `sqlite:${join(PROJECT_ROOT, 'data', 'laurel.db')}`);
    assert.equal(resolveDatabaseUrl('sqlite:./data/laurel.db', '/srv/laurel'), 'sqlite:/srv/laurel/data/laurel.db');
    assert.equal(resolveDatabaseUrl('sqlite:db/x.db', '/srv/laurel'), 'sqlite:/srv/laurel/db/x.db');
    assert.equal(resolveDatabaseUrl('../shared/laurel.db', '/srv/laurel'), 'sqlite:/srv/shared/laurel.db');
    assert.equal(resolveDatabaseUrl('sqlite:/var/lib/laurel.db', '/srv/laurel'), 'sqlite:/var/lib/laurel.db');
    assert.equal(resolveDatabaseUrl('/var/lib/laurel.db', '/srv/laurel'), '/var/lib/laurel.db');
    assert.equal(resolveDatabaseUrl('sqlite::memory:', '/srv/laurel'), 'sqlite::memory:');
    assert.equal(resolveDatabaseUrl('sqlite:', '/srv/laurel'), 'sqlite:');
    assert.equal(resolveDatabaseUrl('postgres://u:p@h/db', '/srv/laurel'), 'postgres://u:p@h/db');
  });
});

/**
 * The newcomer's case with real processes: the server started in one directory, `laurel` commands
 * run from another (examples/ in the issue), the same relative DATABASE_URL. The database lives in
 * a folder of its own under the root's data/ (ignored by git), removed afterwards.
 */
describe('laurel commands run from another directory find the database of npm start', () => {
  const folder = `test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const relativeUrl = `sqlite:./data/${folder}/laurel.db`;
  const absolutePath = join(PROJECT_ROOT, 'data', folder, 'laurel.db');
  let elsewhere: string;
  let server: ChildProcess | undefined;

  const laurelIn = async (cwd: string, args: string[]) => {
    const { DATABASE_URL: _database, LAUREL_BOOTSTRAP_API_KEY: _key, ...inherited } = process.env;
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', tsx, cli, ...args], { cwd, env: { ...inherited, DATABASE_URL: relativeUrl, LOG_LEVEL: 'silent' } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  before(async () => {
    elsewhere = await mkdtemp(join(tmpdir(), 'laurel-elsewhere-'));
  });
  after(async () => {
    server?.kill('SIGKILL');
    await rm(elsewhere, { recursive: true, force: true });
    await rm(join(PROJECT_ROOT, 'data', folder), { recursive: true, force: true });
  });

  test('before the database exists, keys create and environments say where they looked and create nothing', async () => {
    for (const args of [['keys', 'create'], ['environments', 'list'], ['environments', 'create', 'staging']]) {
      const result = await laurelIn(elsewhere, args);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, new RegExp(`^laurel: no Laurel database at ${absolutePath.replace(/[.]/g, '\\.')}\\. laurel start \\(npm start\\) or laurel migrate creates it`));
    }
    assert.equal(existsSync(join(PROJECT_ROOT, 'data', folder)), false, 'nothing made at the root');
    assert.deepEqual(await readdir(elsewhere), [], 'nothing made in the working directory');
  });

  test('laurel start in one directory and keys create in another use the same file', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _database, ...inherited } = process.env;
    // startServerProcess runs in packages/server; the command below runs in a temporary directory.
    server = await startServerProcess({ ...inherited, DATABASE_URL: relativeUrl, PORT: String(port), LOG_LEVEL: 'silent' }, base);
    assert.ok(existsSync(absolutePath), 'the server made its database at the root');

    const created = await laurelIn(elsewhere, ['keys', 'create', '--environment', 'development']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await fetch(`${base}/admin/v1/webhooks`, { headers: { 'x-api-key': created.stdout.trim() } })).status, 200);
    assert.deepEqual(await readdir(elsewhere), [], 'no database beside the command');
  });

  test('laurel migrate from another directory creates (or upgrades) the database at the root', async () => {
    server!.kill('SIGKILL');
    await once(server!, 'exit');
    server = undefined;
    await rm(join(PROJECT_ROOT, 'data', folder), { recursive: true, force: true });
    const migrated = await laurelIn(elsewhere, ['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.ok(existsSync(absolutePath));
    assert.deepEqual(await readdir(elsewhere), []);
  });
});
