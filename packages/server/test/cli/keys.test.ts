import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, test } from 'node:test';
import { authenticateApiKey } from '../../src/environments/api-keys.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { openBackend } from '../../src/store/open-backend.js';
import { forEachBackend } from '../support/backends.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** `laurel keys create` as a user runs it (a real process) against a real database, in each mode. */
forEachBackend('laurel keys create', (database) => {
  const cli = async (mode: 'development' | 'production', ...args: string[]) => {
    const env = { ...process.env, DATABASE_URL: database().url, LOG_LEVEL: 'silent', LAUREL_MODE: mode };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: packageDir, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  const laurel = (mode: 'development' | 'production', ...args: string[]) => cli(mode, 'keys', 'create', ...args);

  // As `npm start` leaves it: the keys go into an existing database.
  before(async () => assert.equal((await cli('development', 'migrate')).code, 0));

  /** The name of the environment the key authenticates for. */
  const environmentOf = async (key: string): Promise<string | undefined> => {
    const backend = openBackend(database().url);
    try {
      const authenticated = await authenticateApiKey(backend.db, key);
      for (const name of ['production', 'development']) {
        if ((await findEnvironmentByName(backend.db, name))?.id === authenticated?.environmentId) return name;
      }
      return undefined;
    } finally {
      await backend.close();
    }
  };

  test('in development mode, without --environment: a dev_ key for "development", and the output says so', async () => {
    const result = await laurel('development');
    assert.equal(result.code, 0, result.stderr);
    const key = result.stdout.trim();
    assert.match(key, /^dev_[a-z0-9]{8}\.[A-Za-z0-9_-]{43}$/, 'stdout holds the key and nothing else');
    assert.match(result.stderr, /for environment "development" \(kind development, the default in development mode; --environment NAME for another\), prefix dev_/);
    assert.equal(await environmentOf(key), 'development');
  });

  test('in production mode, without --environment: a prod_ key for "production"', async () => {
    const result = await laurel('production');
    assert.equal(result.code, 0, result.stderr);
    const key = result.stdout.trim();
    assert.match(key, /^prod_[a-z0-9]{8}\./);
    assert.match(result.stderr, /for environment "production" \(kind production, the default in production mode;/);
    assert.equal(await environmentOf(key), 'production');
  });

  test('--environment chooses in either mode; the key is marked with that environment\'s kind', async () => {
    const production = await laurel('development', '--environment', 'production');
    assert.equal(production.code, 0, production.stderr);
    assert.match(production.stdout, /^prod_/);
    assert.match(production.stderr, /for environment "production" \(kind production\), prefix prod_/);
    assert.equal(await environmentOf(production.stdout.trim()), 'production');

    const development = await laurel('production', '--environment', 'development');
    assert.match(development.stdout, /^dev_/);
    assert.equal(await environmentOf(development.stdout.trim()), 'development');
  });

  test('no environment of the mode\'s kind: exit 1 with what to do, nothing on stdout', async () => {
    const backend = openBackend(database().url);
    try {
      await backend.db.updateTable('environments').set({ kind: 'staging' }).where('kind', '=', 'development').execute();
      const result = await laurel('development');
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /No environment of kind development \(the default in development mode\): give --environment NAME/);
    } finally {
      await backend.db.updateTable('environments').set({ kind: 'development' }).where('name', '=', 'development').execute();
      await backend.close();
    }
  });
});
