import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { WEBHOOKS, createWebhook, listWebhooks, webhookInput } from '../support/webhooks.js';
import { assertError } from '../support/assert-error.js';
import { WEBHOOK_TABLES, assertNothingWritten } from '../support/stored-state.js';
import { fixturesFor } from '../support/fixtures.js';

const withoutSecret = ({ secret: _secret, ...webhook }: Record<string, unknown>) => webhook;

forEachBackend('webhook management API', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;

  before(async () => {
    // The API alone: test events stay queued, so nothing here reaches the network.
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    clock = laurel.clock as ManualClock;
  });
  after(() => laurel.close());

  test('create takes an array and answers 201 with {created, issues}, each webhook with its own secret', async () => {
    const response = await laurel.api('POST', WEBHOOKS, {
      body: [
        { name: 'orders', url: 'https://example.com/orders', events: ['achievement.completed', 'streak.lost'] },
        { name: 'quiet', url: 'http://example.com/quiet', events: ['points.changed'], enabled: false, timeoutMs: 5_000 },
      ],
    });
    assert.equal(response.status, 201);
    assert.deepEqual(Object.keys(response.body).sort(), ['created', 'issues']);
    assert.deepEqual(response.body.issues, []);

    const [orders, quiet] = response.body.created;
    const now = new Date(clock.now()).toISOString();
    assert.deepEqual(withoutSecret(orders), {
      id: orders.id,
      name: 'orders',
      url: 'https://example.com/orders',
      events: ['achievement.completed', 'streak.lost'],
      enabled: true,
      disabledReason: null,
      timeoutMs: null,
      created: now,
      updated: now,
    });
    assert.equal(quiet.enabled, false);
    assert.equal(quiet.timeoutMs, 5_000);
    assert.notEqual(orders.id, quiet.id);

    for (const { secret } of [orders, quiet]) {
      assert.match(secret, /^whsec_[A-Za-z0-9+/]+={0,2}$/);
      assert.equal(Buffer.from(secret.slice('whsec_'.length), 'base64').length, 32, 'whsec_ + base64 of 32 random bytes');
    }
    assert.notEqual(orders.secret, quiet.secret);
  });

  test('create trims the name and URL, and stores each event type once', async () => {
    const created = await createWebhook(laurel, {
      name: '  padded  ',
      url: ' https://example.com/pasted\n',
      events: ['streak.started', 'streak.started', 'streak.lost'],
    });
    assert.equal(created.name, 'padded');
    assert.equal(created.url, 'https://example.com/pasted');
    assert.deepEqual(created.events, ['streak.started', 'streak.lost']);
  });

  test('create accepts the boundary values: 255-character name, 2048-character URL, 1 s and 60 s timeouts, 100 webhooks', async () => {
    const url = 'https://example.com/'.padEnd(2048, 'x');
    const items = [
      webhookInput({ name: 'n'.repeat(255), url }),
      webhookInput({ timeoutMs: 1_000 }),
      webhookInput({ timeoutMs: 60_000 }),
      ...Array.from({ length: 97 }, () => webhookInput()),
    ];
    const response = await laurel.api('POST', WEBHOOKS, { body: items });
    assert.equal(response.status, 201, JSON.stringify(response.body).slice(0, 300));
    assert.equal(response.body.created.length, 100);
    assert.equal(response.body.created[0].name.length, 255);
    assert.equal(response.body.created[0].url, url);
    assert.deepEqual(response.body.created.slice(1, 3).map((w: any) => w.timeoutMs), [1_000, 60_000]);
    await laurel.api('DELETE', `${WEBHOOKS}?${response.body.created.map((w: any) => `ids=${w.id}`).join('&')}`);
  });

  test('get returns the webhook as created, without its secret', async () => {
    const created = await createWebhook(laurel, { events: ['leaderboard.finished'] });
    const response = await laurel.api('GET', `${WEBHOOKS}/${created.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, withoutSecret(created));
  });

  test('list returns the oldest first, 10 by default, and pages with limit and skip', async () => {
    const key = (await fixturesFor(laurel, 'paging')).key;
    const batch = await laurel.api('POST', WEBHOOKS, { key, body: Array.from({ length: 24 }, () => webhookInput()) });
    assert.equal(batch.status, 201);
    clock.advance(1_000);
    const newest = await createWebhook(laurel, {}, key);

    const page = async (query: string) => {
      const response = await laurel.api('GET', `${WEBHOOKS}${query}`, { key });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response.body.map((w: any) => w.id) as string[];
    };
    const all = await page('?limit=100');
    assert.equal(all.length, 25);
    assert.equal(all.at(-1), newest.id, 'the newest webhook is listed last');
    assert.deepEqual(new Set(all), new Set([...batch.body.created.map((w: any) => w.id), newest.id]));

    assert.deepEqual(await page(''), all.slice(0, 10), 'limit defaults to 10 and skip to 0');
    assert.deepEqual(await page('?skip=10'), all.slice(10, 20));
    assert.deepEqual(await page('?limit=7&skip=20'), all.slice(20, 25));
    assert.deepEqual(await page('?limit=100&skip=25'), []);
    assert.deepEqual(await page('?limit=1&skip=9007199254740991'), [], 'a huge skip is an empty page, not an error');

    const listed = (await laurel.api('GET', `${WEBHOOKS}?limit=1`, { key })).body[0];
    assert.equal('secret' in listed, false, 'lists never carry secrets');
  });

  test('update changes any one field and leaves the others as they were', async () => {
    const created = withoutSecret(await createWebhook(laurel));
    const changes: Record<string, unknown>[] = [
      { name: 'renamed' },
      { url: 'https://example.org/moved' },
      { events: ['points.changed', 'points.level_changed'] },
      { enabled: false },
      { enabled: true },
      { timeoutMs: 2_500 },
      { timeoutMs: null },
    ];
    let expected = created;
    for (const change of changes) {
      clock.advance(1_000);
      const response = await laurel.api('PATCH', WEBHOOKS, { body: [{ id: created.id, ...change }] });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      expected = { ...expected, ...change, updated: new Date(clock.now()).toISOString() };
      assert.deepEqual(response.body, { updated: [expected], issues: [] }, `after ${JSON.stringify(change)}`);
      assert.deepEqual((await laurel.api('GET', `${WEBHOOKS}/${created.id}`)).body, expected);
    }
    assert.equal(expected.created, created.created, 'created never moves');
  });

  test('update of an unknown id is an error issue and does not stop the other changes', async () => {
    const first = await createWebhook(laurel);
    const second = await createWebhook(laurel);
    const response = await laurel.api('PATCH', WEBHOOKS, {
      body: [
        { id: first.id, name: 'first, renamed' },
        { id: 'no-such-webhook', name: 'ghost' },
        { id: second.id, enabled: false },
      ],
    });
    assert.equal(response.status, 200);
    assert.deepEqual(
      response.body.updated.map((w: any) => [w.id, w.name, w.enabled]),
      [
        [first.id, 'first, renamed', true],
        [second.id, second.name, false],
      ],
    );
    assert.deepEqual(response.body.issues, [{ id: 'no-such-webhook', severity: 'error', message: 'Webhook not found by ID' }]);
    assert.equal((await laurel.api('GET', `${WEBHOOKS}/${second.id}`)).body.enabled, false);
  });

  test('concurrent updates of different fields both take effect', async () => {
    for (let round = 0; round < 5; round++) {
      const created = await createWebhook(laurel);
      await Promise.all([
        laurel.api('PATCH', WEBHOOKS, { body: [{ id: created.id, name: `renamed ${round}` }] }),
        laurel.api('PATCH', WEBHOOKS, { body: [{ id: created.id, url: `https://example.org/moved/${round}` }] }),
        laurel.api('PATCH', WEBHOOKS, { body: [{ id: created.id, enabled: false }] }),
      ]);
      const current = (await laurel.api('GET', `${WEBHOOKS}/${created.id}`)).body;
      assert.deepEqual([current.name, current.url, current.enabled], [`renamed ${round}`, `https://example.org/moved/${round}`, false]);
    }
  });

  test('enabling a webhook that Laurel disabled clears the reason it gives', async () => {
    const created = await createWebhook(laurel);
    await laurel.backend.db
      .updateTable('webhooks')
      .set({ enabled: 0, disabled_reason: 'the endpoint answered 410 Gone', failing_since: clock.now() })
      .where('id', '=', created.id)
      .execute();
    assert.equal((await laurel.api('GET', `${WEBHOOKS}/${created.id}`)).body.disabledReason, 'the endpoint answered 410 Gone');

    const response = await laurel.api('PATCH', WEBHOOKS, { body: [{ id: created.id, enabled: true }] });
    assert.equal(response.body.updated[0].enabled, true);
    assert.equal(response.body.updated[0].disabledReason, null);
    const row = await laurel.backend.db.selectFrom('webhooks').select('failing_since').where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.equal(row.failing_since, null, 're-enabling starts a fresh failure streak');
  });

  test('enabling a webhook that is already enabled keeps its failure streak', async () => {
    const created = await createWebhook(laurel);
    const since = clock.now() - 60_000;
    await laurel.backend.db.updateTable('webhooks').set({ failing_since: since }).where('id', '=', created.id).execute();
    await laurel.api('PATCH', WEBHOOKS, { body: [{ id: created.id, enabled: true, name: 'renamed' }] });
    const row = await laurel.backend.db.selectFrom('webhooks').select('failing_since').where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.equal(Number(row.failing_since), since, 'sending enabled: true again must not postpone automatic disabling');
  });

  test('delete takes ?ids=a,b or ?ids=a&ids=b and reports unknown ids as issues', async () => {
    const [a, b, c, d, kept] = await Promise.all(Array.from({ length: 5 }, () => createWebhook(laurel)));
    const byId = (list: { id: string }[]) => [...list].sort((x, y) => x.id.localeCompare(y.id));

    const commaSeparated = await laurel.api('DELETE', `${WEBHOOKS}?ids=${a.id},${b.id}`);
    assert.equal(commaSeparated.status, 200);
    assert.deepEqual(byId(commaSeparated.body.deleted), byId([{ id: a.id }, { id: b.id }]));
    assert.deepEqual(commaSeparated.body.issues, []);

    const repeated = await laurel.api('DELETE', `${WEBHOOKS}?ids=${c.id}&ids=${d.id}&ids=missing&ids=${a.id}`);
    assert.equal(repeated.status, 200);
    assert.deepEqual(byId(repeated.body.deleted), byId([{ id: c.id }, { id: d.id }]));
    assert.deepEqual(repeated.body.issues, [
      { id: 'missing', severity: 'error', message: 'Webhook not found by ID' },
      { id: a.id, severity: 'error', message: 'Webhook not found by ID' },
    ]);

    for (const gone of [a, b, c, d]) {
      assertError(await laurel.api('GET', `${WEBHOOKS}/${gone.id}`), 404, new RegExp(`Webhook not found: ${gone.id}`));
      assertError(await laurel.api('GET', `${WEBHOOKS}/${gone.id}/secret`), 404);
    }
    assert.equal((await laurel.api('GET', `${WEBHOOKS}/${kept.id}`)).status, 200);
    const listed = (await listWebhooks(laurel)).map((w) => w.id);
    assert.ok(listed.includes(kept.id) && ![a, b, c, d].some((w) => listed.includes(w.id)));
  });

  test('deleting a webhook deletes its secrets and its delivery log', async () => {
    const created = await createWebhook(laurel);
    const sent = await laurel.api('POST', `${WEBHOOKS}/${created.id}/test`, { body: { type: 'achievement.completed' } });
    assert.equal(sent.status, 202);
    const db = laurel.backend.db;
    // This server has no worker: the attempt is logged by hand, as a worker would.
    await db
      .insertInto('delivery_attempts')
      .values({ id: 'attempt-1', delivery_id: sent.body.id, webhook_id: created.id, number: 1, trigger: 'first', started_at: 0, status_code: 500, error_kind: null, error_message: null, latency_ms: 1, response_body: null, request_headers: '{}' })
      .execute();
    const attempts = () => db.selectFrom('delivery_attempts').select('id').where('delivery_id', '=', sent.body.id).execute();
    assert.equal((await attempts()).length, 1);

    assert.equal((await laurel.api('DELETE', `${WEBHOOKS}?ids=${created.id}`)).body.deleted.length, 1);
    assert.deepEqual(await db.selectFrom('deliveries').select('id').where('webhook_id', '=', created.id).execute(), []);
    assert.deepEqual(await attempts(), []);
    assert.deepEqual(await db.selectFrom('webhook_secrets').select('id').where('webhook_id', '=', created.id).execute(), []);
  });

  test('a test event is queued through the normal delivery path, even for a type the webhook does not subscribe to', async () => {
    const created = await createWebhook(laurel, { events: ['streak.lost'] });
    const response = await laurel.api('POST', `${WEBHOOKS}/${created.id}/test`, { body: { type: 'points.changed' } });
    assert.equal(response.status, 202);
    assert.equal(response.body.webhookId, created.id);
    assert.equal(response.body.eventType, 'points.changed');
    assert.equal(response.body.status, 'pending');
    assert.equal(response.body.payload.type, 'points.changed');
    assert.deepEqual(response.body.attempts, []);

    const log = await laurel.api('GET', `${WEBHOOKS}/${created.id}/deliveries`);
    assert.deepEqual(
      log.body.map((d: any) => d.id),
      [response.body.id],
    );
  });

  test('a test event on a disabled webhook is refused with 422, and nothing is queued', async () => {
    const created = await createWebhook(laurel, { enabled: false });
    const response = await assertNothingWritten(laurel, WEBHOOK_TABLES, () =>
      laurel.api('POST', `${WEBHOOKS}/${created.id}/test`, { body: { type: 'achievement.completed' } }),
    );
    assertError(response, 422, new RegExp(`Webhook ${created.id} is disabled`), /enable it/);
  });

  test('a test event of an unknown type is refused with 422 naming the type', async () => {
    const created = await createWebhook(laurel);
    const response = await assertNothingWritten(laurel, WEBHOOK_TABLES, () =>
      laurel.api('POST', `${WEBHOOKS}/${created.id}/test`, { body: { type: 'user.created' } }),
    );
    assertError(response, 422, /body\.type: unknown event type "user\.created"/, /achievement\.completed/);
    assertError(
      await laurel.api('POST', `${WEBHOOKS}/${created.id}/test`, { body: {} }),
      422,
      /body\.type: is required/,
    );
  });

  test('every call on an unknown webhook id answers 404 naming the id', async () => {
    const id = '3b241101-e2bb-4255-8caf-4136c566a962';
    const calls: [method: 'GET' | 'POST', path: string, body?: unknown][] = [
      ['GET', `${WEBHOOKS}/${id}`],
      ['GET', `${WEBHOOKS}/${id}/secret`],
      ['POST', `${WEBHOOKS}/${id}/secret/rotate`, {}],
      ['POST', `${WEBHOOKS}/${id}/test`, { type: 'achievement.completed' }],
      ['GET', `${WEBHOOKS}/${id}/deliveries`],
      ['GET', `${WEBHOOKS}/${id}/deliveries/${id}`],
      ['POST', `${WEBHOOKS}/${id}/deliveries/${id}/resend`],
      ['POST', `${WEBHOOKS}/${id}/recover`, { since: new Date(0).toISOString() }],
    ];
    for (const [method, path, body] of calls) {
      const response = await assertNothingWritten(laurel, WEBHOOK_TABLES, () => laurel.api(method, path, body === undefined ? {} : { body }));
      assertError(response, 404, new RegExp(`Webhook not found: ${id}`));
    }
  });

  test('a misspelt field is refused with its name, not silently ignored', async () => {
    const response = await assertNothingWritten(laurel, WEBHOOK_TABLES, () =>
      laurel.api('POST', WEBHOOKS, { body: [{ ...webhookInput(), enable: false }] }),
    );
    assertError(response, 422, /enable/);
    const created = await createWebhook(laurel);
    assertError(await laurel.api('PATCH', WEBHOOKS, { body: [{ id: created.id, nmae: 'typo' }] }), 422, /nmae/);
  });

  test('webhooks created in one call are listed in the order they were sent', async () => {
    const key = (await fixturesFor(laurel, 'ordering')).key;
    const names = ['first', 'second', 'third', 'fourth', 'fifth'];
    const response = await laurel.api('POST', WEBHOOKS, { body: names.map((name) => webhookInput({ name })), key });
    assert.equal(response.status, 201);
    assert.deepEqual((await listWebhooks(laurel, key)).map((w) => w.name), names);
  });

  test('changing the URL starts a new failure streak; other changes keep it', async () => {
    const created = await createWebhook(laurel);
    const failingSince = clock.now() - 3 * 86_400_000;
    const streak = () =>
      laurel.backend.db.selectFrom('webhooks').select('failing_since').where('id', '=', created.id).executeTakeFirstOrThrow();
    await laurel.backend.db.updateTable('webhooks').set({ failing_since: failingSince }).where('id', '=', created.id).execute();

    assert.equal((await laurel.api('PATCH', WEBHOOKS, { body: [{ id: created.id, name: 'renamed' }] })).status, 200);
    assert.equal((await streak()).failing_since, failingSince, 'a rename does not forgive failures');

    assert.equal((await laurel.api('PATCH', WEBHOOKS, { body: [{ id: created.id, url: 'https://example.com/fixed' }] })).status, 200);
    assert.equal((await streak()).failing_since, null, 'a new URL is a new receiver');
  });
});
