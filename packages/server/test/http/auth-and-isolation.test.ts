import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey, parseApiKey, revokeApiKey } from '../../src/environments/api-keys.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { WEBHOOKS, createWebhook, listWebhooks, webhookInput } from '../support/webhooks.js';
import { assertError, type ApiResponse } from '../support/assert-error.js';
import { WEBHOOK_TABLES, assertNothingWritten } from '../support/stored-state.js';
import { fixturesFor } from '../support/fixtures.js';

/** Asserts the answer never repeats the key (whole, or its secret half) that was presented. */
function assertKeyNotEchoed(response: ApiResponse, key: string): void {
  const body = JSON.stringify(response.body);
  assert.ok(!body.includes(key), `the response repeats the API key: ${body}`);
  const secret = key.split('.')[1];
  if (secret && secret.length >= 8) assert.ok(!body.includes(secret), `the response repeats the key's secret: ${body}`);
}

forEachBackend('admin API keys', (database) => {
  let laurel: TestLaurel;
  let revoked: string;
  let wrongSecret: string;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    const db = laurel.backend.db;
    const production = await findEnvironmentByName(db, 'production');
    const created = await createApiKey(db, production!.id, 'to revoke', laurel.clock.now());
    assert.equal(await revokeApiKey(db, created.id, laurel.clock.now()), true);
    revoked = created.key;
    // A real key's prefix with a different, well-formed secret.
    wrongSecret = `${parseApiKey(laurel.keys.production)!.prefix}.${'A'.repeat(43)}`;
  });
  after(() => laurel.close());

  const badKeys: [title: string, key: () => string | null][] = [
    ['no key', () => null],
    ['an empty key', () => ''],
    ['a key without a dot', () => 'not-a-key'],
    ['a key with a malformed prefix', () => 'UPPER123.abcdefghijklmnopqrstuvwxyz'],
    ['a key whose prefix is unknown', () => 'zzzzzzzz.abcdefghijklmnopqrstuvwxyz0123'],
    ['a real prefix with the wrong secret', () => wrongSecret],
    ['a revoked key', () => revoked],
    ['a key with a NUL character', () => `${laurel.keys.production}\u0000`],
  ];

  for (const [title, key] of badKeys) {
    test(`${title} is 401 {error}, on reads and writes, and writes nothing`, async () => {
      const presented = key();
      const options = { key: presented };
      const responses = [
        await laurel.api('GET', WEBHOOKS, options),
        await laurel.api('GET', '/admin/v1/webhook-event-types', options),
        await assertNothingWritten(laurel, WEBHOOK_TABLES, () => laurel.api('POST', WEBHOOKS, { ...options, body: [webhookInput()] })),
        // Authentication comes before validation: a bad key learns nothing about the body.
        await assertNothingWritten(laurel, WEBHOOK_TABLES, () => laurel.api('POST', WEBHOOKS, { ...options, rawBody: '{oops' })),
      ];
      for (const response of responses) {
        assertError(response, 401, /Missing or invalid API key/, /X-API-KEY/);
        if (presented) assertKeyNotEchoed(response, presented);
      }
    });
  }

  test('a revoked key stops working at once; revoking it again reports nothing to revoke', async () => {
    const db = laurel.backend.db;
    const development = await findEnvironmentByName(db, 'development');
    const key = await createApiKey(db, development!.id, 'short-lived', laurel.clock.now());
    assert.equal((await laurel.api('GET', WEBHOOKS, { key: key.key })).status, 200);
    assert.equal(await revokeApiKey(db, key.id, laurel.clock.now()), true);
    assertError(await laurel.api('GET', WEBHOOKS, { key: key.key }), 401);
    assert.equal(await revokeApiKey(db, key.id, laurel.clock.now()), false);
  });

  test('errors after authentication do not echo the key either', async () => {
    const key = laurel.keys.development;
    const responses = [
      await laurel.api('POST', WEBHOOKS, { key, body: [webhookInput({ url: 'nope' })] }),
      await laurel.api('POST', WEBHOOKS, { key, rawBody: '[' }),
      await laurel.api('GET', `${WEBHOOKS}/missing`, { key }),
      await laurel.api('GET', `${WEBHOOKS}?limit=0`, { key }),
      await laurel.api('GET', '/admin/v1/missing-route', { key }),
    ];
    for (const response of responses) {
      assert.ok(response.status >= 400 && response.status < 500);
      assertKeyNotEchoed(response, key);
    }
  });

  test('health and the API description need no key', async () => {
    assert.equal((await laurel.api('GET', '/healthz', { key: null })).status, 200);
    assert.equal((await laurel.api('GET', '/openapi.json', { key: null })).status, 200);
  });
});

forEachBackend('environment isolation', (database) => {
  let laurel: TestLaurel;
  const keys: Record<string, string> = {};
  /** Per environment: a webhook it owns and a delivery in that webhook's log. */
  const owned: Record<string, { webhook: any; deliveryId: string }> = {};

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    keys['development'] = laurel.keys.development;
    keys['production'] = laurel.keys.production;
    keys['staging'] = (await fixturesFor(laurel, 'staging')).key;
    for (const [environment, key] of Object.entries(keys)) {
      const webhook = await createWebhook(laurel, { name: `${environment} hook` }, key);
      const sent = await laurel.api('POST', `${WEBHOOKS}/${webhook.id}/test`, { key, body: { type: 'streak.extended' } });
      assert.equal(sent.status, 202);
      owned[environment] = { webhook, deliveryId: sent.body.id };
    }
  });
  after(() => laurel.close());

  /** Every per-webhook call, as [method, path, body]. */
  function callsOn(id: string, deliveryId: string): [method: 'GET' | 'POST', path: string, body?: unknown][] {
    return [
      ['GET', `${WEBHOOKS}/${id}`],
      ['GET', `${WEBHOOKS}/${id}/secret`],
      ['POST', `${WEBHOOKS}/${id}/secret/rotate`, { overlapSeconds: 0 }],
      ['POST', `${WEBHOOKS}/${id}/test`, { type: 'achievement.completed' }],
      ['GET', `${WEBHOOKS}/${id}/deliveries`],
      ['GET', `${WEBHOOKS}/${id}/deliveries/${deliveryId}`],
      ['POST', `${WEBHOOKS}/${id}/deliveries/${deliveryId}/resend`],
      ['POST', `${WEBHOOKS}/${id}/recover`, { since: new Date(0).toISOString() }],
    ];
  }

  test('each environment sees its own webhook and works with it (the control for the cases below)', async () => {
    for (const [environment, key] of Object.entries(keys)) {
      const { webhook, deliveryId } = owned[environment]!;
      assert.deepEqual(
        (await listWebhooks(laurel, key)).map((w) => w.id),
        [webhook.id],
      );
      for (const [method, path] of callsOn(webhook.id, deliveryId).filter(([method]) => method === 'GET')) {
        assert.equal((await laurel.api(method, path, { key })).status, 200, `${environment}: ${method} ${path}`);
      }
    }
  });

  const environments = ['development', 'production', 'staging'];
  for (const owner of environments) {
    for (const intruder of environments.filter((e) => e !== owner)) {
      describe(`a ${intruder} key and a ${owner} webhook`, () => {
        test('the list does not show it', async () => {
          const listed = (await listWebhooks(laurel, keys[intruder])).map((w) => w.id);
          assert.ok(!listed.includes(owned[owner]!.webhook.id));
        });

        test('every call on it is 404, and nothing is written', async () => {
          const { webhook, deliveryId } = owned[owner]!;
          for (const [method, path, body] of callsOn(webhook.id, deliveryId)) {
            const response = await assertNothingWritten(laurel, WEBHOOK_TABLES, () =>
              laurel.api(method, path, { key: keys[intruder]!, ...(body === undefined ? {} : { body }) }),
            );
            assertError(response, 404, new RegExp(`Webhook not found: ${webhook.id}`));
          }
        });

        test('update and delete report it as not found, and change nothing', async () => {
          const id = owned[owner]!.webhook.id;
          const key = keys[intruder]!;
          const issue = { id, severity: 'error', message: 'Webhook not found by ID' };
          const updated = await assertNothingWritten(laurel, WEBHOOK_TABLES, () =>
            laurel.api('PATCH', WEBHOOKS, { key, body: [{ id, name: 'taken over', url: 'https://attacker.example' }] }),
          );
          assert.equal(updated.status, 200);
          assert.deepEqual(updated.body, { updated: [], issues: [issue] });

          const deleted = await assertNothingWritten(laurel, WEBHOOK_TABLES, () => laurel.api('DELETE', `${WEBHOOKS}?ids=${id}`, { key }));
          assert.equal(deleted.status, 200);
          assert.deepEqual(deleted.body, { deleted: [], issues: [issue] });
        });
      });
    }
  }

  test('an event queued in one environment is delivered to no other environment\'s webhooks', async () => {
    const deliveries = await laurel.backend.db.selectFrom('deliveries').select(['webhook_id', 'environment_id']).execute();
    const webhookEnvironments = await laurel.backend.db.selectFrom('webhooks').select(['id', 'environment_id']).execute();
    const environmentOf = new Map(webhookEnvironments.map((w) => [w.id, w.environment_id]));
    assert.ok(deliveries.length >= 3);
    for (const delivery of deliveries) assert.equal(delivery.environment_id, environmentOf.get(delivery.webhook_id));
  });
});
