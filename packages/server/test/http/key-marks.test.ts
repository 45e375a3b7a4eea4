import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createApiKey, parseApiKey } from '../../src/environments/api-keys.js';
import { createEnvironment, findEnvironmentByName } from '../../src/environments/environments.js';
import { loadConfig } from '../../src/config/config.js';
import { createLaurel } from '../../src/laurel.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';

const KEYS = '/admin/v1/api-keys';
const secret = () => randomBytes(32).toString('base64url');

forEachBackend('API keys carry their environment\'s kind', (database) => {
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
  });
  after(() => laurel.close());

  test('a new key is marked prod_, stage_ or dev_ by its environment\'s kind, and authenticates', async () => {
    const db = laurel.backend.db;
    const staging = await createEnvironment(db, 'staging', laurel.clock.now(), 'staging');
    const cases = [
      [(await findEnvironmentByName(db, 'production'))!.id, /^prod_[a-z0-9]{8}\.[A-Za-z0-9_-]{43}$/],
      [staging!.id, /^stage_[a-z0-9]{8}\.[A-Za-z0-9_-]{43}$/],
      [(await findEnvironmentByName(db, 'development'))!.id, /^dev_[a-z0-9]{8}\.[A-Za-z0-9_-]{43}$/],
    ] as const;
    for (const [environmentId, format] of cases) {
      const { key, prefix } = await createApiKey(db, environmentId, 'marked', laurel.clock.now());
      assert.match(key, format);
      const listed = await laurel.api('GET', `${KEYS}?limit=100`, { key });
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      // The mark is part of the public prefix, so lists (and the dashboard) show it too.
      assert.ok(listed.body.some((k: any) => k.prefix === prefix), JSON.stringify(listed.body));
    }
  });

  test('the mark is checked with the rest of the key: the same key with another mark is refused', async () => {
    const { key } = await createApiKey(laurel.backend.db, (await findEnvironmentByName(laurel.backend.db, 'development'))!.id, 'relabelled', laurel.clock.now());
    assert.equal((await laurel.api('GET', KEYS, { key })).status, 200);
    assertError(await laurel.api('GET', KEYS, { key: key.replace(/^dev_/, 'prod_') }), 401);
    assertError(await laurel.api('GET', KEYS, { key: key.replace(/^dev_/, '') }), 401);
  });

  test('a key made before marks existed ({8}.{secret}) still authenticates, on both APIs', async () => {
    const development = await findEnvironmentByName(laurel.backend.db, 'development');
    const prefix = 'old12345';
    const oldSecret = secret();
    // As an earlier version stored it: the prefix as it is, a SHA-256 of the secret.
    await laurel.backend.db
      .insertInto('api_keys')
      .values({ id: randomUUID(), environment_id: development!.id, prefix, secret_hash: createHash('sha256').update(oldSecret).digest('hex'), name: 'old', created_at: laurel.clock.now(), last_used_at: null, revoked_at: null })
      .execute();
    const key = `${prefix}.${oldSecret}`;
    assert.deepEqual(parseApiKey(key), { prefix, secret: oldSecret, kind: undefined });
    assert.equal((await laurel.api('GET', KEYS, { key })).status, 200);
    assert.equal((await laurel.api('GET', '/v1/achievements', { key })).status, 200);
  });
});

forEachBackend('LAUREL_BOOTSTRAP_API_KEY', (database) => {
  const start = (key: string) => startTestLaurel({ databaseUrl: database().url, roles: ['api'], env: { LAUREL_BOOTSTRAP_API_KEY: key } });

  test('is accepted marked prod_ and unmarked, each for the production environment', async () => {
    for (const key of [`prod_boot1234.${secret()}`, `boot5678.${secret()}`]) {
      const laurel = await start(key);
      try {
        const listed = await laurel.api('GET', KEYS, { key });
        assert.equal(listed.status, 200, JSON.stringify(listed.body));
        assert.ok(listed.body.some((k: any) => k.name === 'bootstrap' && k.prefix === key.split('.')[0]));
        assert.ok(listed.body.some((k: any) => k.name === 'test-production'), 'listed beside the production environment\'s keys');
      } finally {
        await laurel.close();
      }
    }
  });

  test('marked for another kind, or malformed, stops the start with the variable named', async () => {
    for (const [key, message] of [
      [`dev_boot9999.${secret()}`, /LAUREL_BOOTSTRAP_API_KEY is for the production environment: mark it prod_ .*not dev_/],
      ['live_boot9999.abcdefghijklmnopqrstuvwxyz', /LAUREL_BOOTSTRAP_API_KEY must look like \{prefix\}\.\{secret\}/],
    ] as const) {
      const config = loadConfig({ DATABASE_URL: database().url, LOG_LEVEL: 'silent', LAUREL_BOOTSTRAP_API_KEY: key });
      await assert.rejects(createLaurel({ config, roles: ['api'] }), message);
    }
  });
});
