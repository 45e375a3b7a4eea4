import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kysely } from 'kysely';
import { authenticateApiKey } from '../../src/environments/api-keys.js';
import { findEnvironmentByName, listEnvironments } from '../../src/environments/environments.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migrateBefore } from '../support/migrations.js';
import { openBackend } from '../../src/store/open-backend.js';
import { loadConfig } from '../../src/config/config.js';
import { createLaurel } from '../../src/laurel.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { request, setUpOwner, signIn, OWNER, type Browser } from './console.js';

const BOOTSTRAP_KEY = 'bootstrp.bootstrap-key-secret-0123456789';

forEachBackend('console: environments', (database) => {
  let laurel: TestLaurel;
  let browser: Browser;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    browser = await setUpOwner(laurel);
  });
  after(() => laurel?.close());

  test('the two defaults exist, with their kinds', async () => {
    const listed = await request(laurel, 'GET', '/console/v1/environments', { as: browser });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.map((e: any) => [e.name, e.kind]),
      [
        ['production', 'production'],
        ['development', 'development'],
      ],
    );
    for (const environment of listed.body) assert.deepEqual(Object.keys(environment).sort(), ['created', 'id', 'kind', 'name']);
    assertError(await request(laurel, 'GET', '/console/v1/environments'), 401);
  });

  test('create: kind defaults to development; a taken name is 409; a bad name or kind 422', async () => {
    const staging = await request(laurel, 'POST', '/console/v1/environments', { as: browser, body: { name: 'staging', kind: 'staging' } });
    assert.equal(staging.status, 201, JSON.stringify(staging.body));
    assert.equal(staging.body.kind, 'staging');
    const preview = await request(laurel, 'POST', '/console/v1/environments', { as: browser, body: { name: 'preview-1' } });
    assert.equal(preview.status, 201);
    assert.equal(preview.body.kind, 'development');

    assertError(await request(laurel, 'POST', '/console/v1/environments', { as: browser, body: { name: 'staging' } }), 409, /staging/);
    assertError(await request(laurel, 'POST', '/console/v1/environments', { as: browser, body: { name: 'Staging' } }), 422, /name/);
    assertError(await request(laurel, 'POST', '/console/v1/environments', { as: browser, body: { name: '-x' } }), 422, /name/);
    assertError(await request(laurel, 'POST', '/console/v1/environments', { as: browser, body: { name: 'a'.repeat(64) } }), 422, /name/);
    assertError(await request(laurel, 'POST', '/console/v1/environments', { as: browser, body: { name: 'qa', kind: 'testing' } }), 422, /kind/);
    assertError(await request(laurel, 'POST', '/console/v1/environments', { as: browser, csrf: false, body: { name: 'qa' } }), 403, /X-CSRF-Token/);
    assert.deepEqual(
      (await listEnvironments(laurel.backend.db)).map((e) => e.name),
      ['production', 'development', 'staging', 'preview-1'],
    );
  });

  test('a new environment works at once for the dashboard, with its own data', async () => {
    const listed = await request(laurel, 'GET', '/admin/v1/webhooks', { as: browser, environment: 'staging' });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body, []);
  });

  test('rename: 200 with the environment; its keys keep working; a taken name is 409; an unknown id 404', async () => {
    const production = (await findEnvironmentByName(laurel.backend.db, 'production'))!;
    const renamed = await request(laurel, 'PATCH', `/console/v1/environments/${production.id}`, { as: browser, body: { name: 'live' } });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.deepEqual(renamed.body, { ...production, name: 'live' });
    assert.equal((await laurel.api('GET', '/admin/v1/webhooks', { key: laurel.keys.production })).status, 200);
    assert.equal((await request(laurel, 'GET', '/admin/v1/webhooks', { as: browser, environment: 'live' })).status, 200);
    assertError(await request(laurel, 'GET', '/admin/v1/webhooks', { as: browser, environment: 'production' }), 400);

    // Renaming to its own name changes nothing.
    assert.equal((await request(laurel, 'PATCH', `/console/v1/environments/${production.id}`, { as: browser, body: { name: 'live' } })).status, 200);
    assertError(await request(laurel, 'PATCH', `/console/v1/environments/${production.id}`, { as: browser, body: { name: 'staging' } }), 409, /staging/);
    assertError(await request(laurel, 'PATCH', '/console/v1/environments/missing', { as: browser, body: { name: 'other' } }), 404);
    assertError(await request(laurel, 'PATCH', `/console/v1/environments/${production.id}`, { as: browser, body: { name: 'Bad Name' } }), 422);
  });

  test('after a restart on the same database, the renamed production is not created again, and the bootstrap key goes to it', async () => {
    await laurel.close();
    // createLaurel itself: the test harness would look for an environment named production to give it a key.
    const config = loadConfig({ DATABASE_URL: database().url, LOG_LEVEL: 'silent', LAUREL_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY });
    const restarted = await createLaurel({ config, clock: laurel.clock, roles: ['api'] });
    laurel = restarted as TestLaurel;
    await restarted.app.ready();
    const names = (await listEnvironments(laurel.backend.db)).map((e) => [e.name, e.kind]);
    assert.deepEqual(names, [
      ['live', 'production'],
      ['development', 'development'],
      ['staging', 'staging'],
      ['preview-1', 'development'],
    ]);
    const live = await findEnvironmentByName(laurel.backend.db, 'live');
    assert.equal((await authenticateApiKey(laurel.backend.db, BOOTSTRAP_KEY))?.environmentId, live!.id);
    // Accounts and sessions survive the restart.
    browser = await signIn(laurel, OWNER.email, OWNER.password);
    assert.equal((await request(laurel, 'GET', '/console/v1/environments', { as: browser })).body.length, 4);
  });
});

forEachBackend('console: the migration of an existing database', (database) => {
  test('the environment named production becomes kind production; the others development', async () => {
    const backend = openBackend(database().url);
    try {
      const pending = await migrateBefore(backend.db, '0004-console');
      const db = backend.db as unknown as Kysely<any>;
      for (const [id, name] of [['1', 'production'], ['2', 'development'], ['3', 'staging']]) {
        await db.insertInto('environments').values({ id, name, created_at: Number(id) }).execute();
      }
      assert.deepEqual(await migrateToLatest(backend.db), pending);
      assert.deepEqual(
        (await listEnvironments(backend.db)).map((e) => [e.name, e.kind]),
        [
          ['production', 'production'],
          ['development', 'development'],
          ['staging', 'development'],
        ],
      );
    } finally {
      await backend.close();
    }
  });
});
