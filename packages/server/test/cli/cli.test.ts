import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** The `laurel` CLI as a user runs it: a real process, its stdout, stderr and exit code. */
describe('laurel CLI', () => {
  let dir: string;
  let databaseUrl: string;
  const laurel = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
        cwd: packageDir,
        env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'laurel-cli-'));
    databaseUrl = `sqlite:${dir}/laurel.db`;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('migrate creates the schema and is idempotent', async () => {
    const first = await laurel('migrate');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied: 0001-foundation/);
    const second = await laurel('migrate');
    assert.match(second.stdout, /up to date/);
  });

  test('environments create adds one; list shows it beside the defaults', async () => {
    assert.equal((await laurel('environments', 'create', 'staging')).code, 0);
    const listed = await laurel('environments', 'list');
    assert.deepEqual(
      listed.stdout.trim().split('\n').map((line) => line.split('\t')[0]),
      ['production', 'development', 'staging'],
    );
  });

  test('mistakes exit non-zero with a message on stderr', async () => {
    const unknown = await laurel('keys', 'create', '--environment', 'nowhere');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No environment named "nowhere"/);
    assert.equal(unknown.stdout, '');

    const taken = await laurel('environments', 'create', 'staging');
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /already exists/);

    const badName = await laurel('environments', 'create', 'Not Valid');
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /lowercase letters, digits and dashes/);

    const badRole = await laurel('start', '--role', 'both');
    assert.notEqual(badRole.code, 0);
    assert.match(badRole.stderr, /api, worker/);
  });

  test('a bad setting stops the process with the variable named', async () => {
    const { stderr, code } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'migrate'], {
      cwd: packageDir,
      env: { ...process.env, DATABASE_URL: databaseUrl, LAUREL_RETRY_SCHEDULE: '1m,soon' },
    }).then(
      () => ({ stderr: '', code: 0 }),
      (error: { stderr: string; code: number }) => error,
    );
    assert.equal(code, 1);
    assert.match(stderr, /LAUREL_RETRY_SCHEDULE/);
  });
});
