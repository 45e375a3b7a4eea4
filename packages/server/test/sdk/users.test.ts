import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { unique } from '../support/fixtures.js';
import { expectSdkError, sdkRequests, startSdkServer, TrophyApi, TrophyApiError, type SdkServer } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12);

forEachBackend('SDK: users', (database) => {
  let server: SdkServer;

  before(async () => {
    server = await startSdkServer(database().url, NOW);
  });
  after(() => server.close());

  test('users.create answers 201 with the full User; users.get reads it back', async () => {
    const env = await server.environment();
    await env.attributes([{ key: 'plan', type: 'user' }]);
    const id = unique('alice');
    const created = await sdkRequests(server, 1, () =>
      env.trophy.users.create({ id, email: 'alice@example.com', name: 'Alice', tz: 'Europe/London', deviceTokens: ['tok-1'], attributes: { plan: 'pro' } }),
    );
    assert.equal(created.id, id);
    assert.equal(created.email, 'alice@example.com');
    assert.equal(created.name, 'Alice');
    assert.equal(created.tz, 'Europe/London');
    assert.deepEqual(created.deviceTokens, ['tok-1']);
    assert.equal(created.subscribeToEmails, true);
    assert.deepEqual(created.attributes, { plan: 'pro' });
    assert.equal(created.control, false);
    assert.ok(created.created instanceof Date, 'created is parsed as a Date');
    assert.equal(created.created.getTime(), NOW);
    assert.equal(created.updated.getTime(), NOW);

    const read = await sdkRequests(server, 1, () => env.trophy.users.get(id));
    assert.deepEqual(read, created);
  });

  test('users.create with only an id: nullable fields come back empty, and without an address the user is not subscribed', async () => {
    const env = await server.environment();
    const id = unique('bare');
    const user = await env.trophy.users.create({ id });
    assert.equal(user.id, id);
    // null on the wire; the SDK turns null optionals into undefined.
    assert.equal(user.email ?? null, null);
    assert.equal(user.name ?? null, null);
    assert.equal(user.tz ?? null, null);
    assert.equal(user.deviceTokens ?? null, null);
    assert.equal(user.subscribeToEmails, false);
    assert.deepEqual(user.attributes, {});
  });

  test('users.identify creates a user, then updates only the fields sent; attributes merge key by key', async () => {
    const env = await server.environment();
    await env.attributes([
      { key: 'plan', type: 'user' },
      { key: 'region', type: 'user' },
    ]);
    const id = unique('ident');
    const first = await sdkRequests(server, 1, () => env.trophy.users.identify(id, { name: 'Bob', attributes: { plan: 'free' } }));
    assert.equal(first.id, id);
    assert.equal(first.name, 'Bob');
    assert.deepEqual(first.attributes, { plan: 'free' });

    server.clock.advance(60_000);
    const second = await env.trophy.users.identify(id, { email: 'bob@example.com', attributes: { region: 'eu' } });
    assert.equal(second.name, 'Bob', 'a field left out is kept');
    assert.equal(second.email, 'bob@example.com');
    assert.deepEqual(second.attributes, { plan: 'free', region: 'eu' });
    assert.equal(second.created.getTime(), first.created.getTime());
    assert.equal(second.updated.getTime(), NOW + 60_000);
    server.clock.set(NOW);
  });

  test('users.update changes an existing user; an unknown user is a NotFoundError (404)', async () => {
    const env = await server.environment();
    const id = unique('upd');
    await env.trophy.users.create({ id, name: 'Before', tz: 'UTC' });
    const updated = await sdkRequests(server, 1, () => env.trophy.users.update(id, { name: 'After', tz: 'America/New_York', deviceTokens: ['a', 'b'] }));
    assert.equal(updated.name, 'After');
    assert.equal(updated.tz, 'America/New_York');
    assert.deepEqual(updated.deviceTokens, ['a', 'b']);
    assert.deepEqual(await env.trophy.users.get(id), updated);

    await expectSdkError(server, () => env.trophy.users.update(unique('ghost'), { name: 'x' }), TrophyApi.NotFoundError, 404, /User not found/);
  });

  test('users.get of an unknown user answers 404 (the SDK has no typed 404 for this method: a TrophyApiError)', async () => {
    const env = await server.environment();
    await expectSdkError(server, () => env.trophy.users.get(unique('nobody')), TrophyApiError, 404, /User not found/);
  });

  test('business-rule and validation errors: 400 BadRequestError and 422 UnprocessableEntityError', async () => {
    const env = await server.environment();
    const id = unique('dup');
    await env.trophy.users.create({ id });
    // An existing user on create, an undeclared attribute key, subscribeToEmails without an email: 400.
    await expectSdkError(server, () => env.trophy.users.create({ id }), TrophyApi.BadRequestError, 400, /already exists/);
    await expectSdkError(server, () => env.trophy.users.create({ id: unique('attr'), attributes: { pln: 'x' } }), TrophyApi.BadRequestError, 400, /Invalid attribute keys: pln/);
    await expectSdkError(server, () => env.trophy.users.identify(unique('sub'), { subscribeToEmails: true }), TrophyApi.BadRequestError, 400, /subscribeToEmails/);
    // An invalid time zone is a validation error: 422.
    await expectSdkError(server, () => env.trophy.users.create({ id: unique('tz'), tz: 'Mars/Olympus' }), TrophyApi.UnprocessableEntityError, 422, /tz/);
    await expectSdkError(server, () => env.trophy.users.identify(id, { tz: 'Not/AZone' }), TrophyApi.UnprocessableEntityError, 422, /tz/);
    await expectSdkError(server, () => env.trophy.users.update(id, { tz: 'Not/AZone' }), TrophyApi.UnprocessableEntityError, 422, /tz/);
    // Nothing changed.
    assert.equal((await env.trophy.users.get(id)).tz, undefined);
  });

  test('a wrong API key is an UnauthorizedError (401) on every users method, without retry', async () => {
    const env = await server.environment();
    const id = unique('auth');
    await env.trophy.users.create({ id });
    const wrong = server.client('nope.not-a-key');
    const calls: [string, () => Promise<unknown>][] = [
      ['create', () => wrong.users.create({ id: unique('x') })],
      ['get', () => wrong.users.get(id)],
      ['identify', () => wrong.users.identify(id, { name: 'x' })],
      ['update', () => wrong.users.update(id, { name: 'x' })],
      ['getPreferences', () => wrong.users.getPreferences(id)],
      ['updatePreferences', () => wrong.users.updatePreferences(id, { notifications: { recap: [] } })],
    ];
    for (const [name, call] of calls) {
      await expectSdkError(server, call, TrophyApi.UnauthorizedError, 401, /API key/).catch((error: Error) => {
        throw new Error(`users.${name}: ${error.message}`);
      });
    }
    // A key of another environment does not see this environment's user.
    const other = await server.environment();
    await expectSdkError(server, () => other.trophy.users.get(id), TrophyApiError, 404);
  });

  test('users.getPreferences / updatePreferences: notification channels round-trip in the SDK spelling', async () => {
    const env = await server.environment();
    const id = unique('prefs');
    await env.trophy.users.create({ id });
    const initial = await sdkRequests(server, 1, () => env.trophy.users.getPreferences(id));
    assert.deepEqual(initial.notifications, {});

    const updated = await sdkRequests(server, 1, () =>
      env.trophy.users.updatePreferences(id, {
        notifications: {
          achievementCompleted: [TrophyApi.NotificationChannel.Email, TrophyApi.NotificationChannel.Push],
          recap: [],
        },
      }),
    );
    assert.deepEqual(updated.notifications, { achievementCompleted: ['email', 'push'], recap: [] });

    // A later update merges by type.
    const merged = await env.trophy.users.updatePreferences(id, { notifications: { streakReminder: [TrophyApi.NotificationChannel.Push] } });
    assert.deepEqual(merged.notifications, { achievementCompleted: ['email', 'push'], recap: [], streakReminder: ['push'] });
    assert.deepEqual(await env.trophy.users.getPreferences(id), merged);

    // The wire format is Trophy's snake_case.
    const raw = await fetch(`${server.url}/v1/users/${id}/preferences`, { headers: { 'x-api-key': env.key } }).then((r) => r.json() as Promise<any>);
    assert.deepEqual(raw.notifications, { achievement_completed: ['email', 'push'], recap: [], streak_reminder: ['push'] });
  });

  test('preferences of an unknown user: NotFoundError (404); an over-long id: UnprocessableEntityError (422)', async () => {
    const env = await server.environment();
    await expectSdkError(server, () => env.trophy.users.getPreferences(unique('ghost')), TrophyApi.NotFoundError, 404, /User not found/);
    await expectSdkError(server, () => env.trophy.users.updatePreferences(unique('ghost'), { notifications: { recap: [] } }), TrophyApi.NotFoundError, 404);
    // (A bad channel never leaves the SDK: it validates the enum before sending.)
    const long = 'u'.repeat(300);
    await expectSdkError(server, () => env.trophy.users.getPreferences(long), TrophyApi.UnprocessableEntityError, 422, /255/);
    await expectSdkError(server, () => env.trophy.users.updatePreferences(long, { notifications: { recap: [] } }), TrophyApi.UnprocessableEntityError, 422, /255/);
  });

  test('streak preferences: SDK 1.0.42 cannot send them (it strips `streak`); the server answers 403 to them while personalization is off', async () => {
    const env = await server.environment();
    const [metric] = await env.metrics([unique('words')]);
    const id = unique('streakprefs');
    await env.trophy.users.create({ id });
    const streak = { metrics: [{ key: metric!.key, threshold: 5 }] };

    // The SDK's UpdateUserPreferencesRequest only has `notifications` and strips anything else,
    // so this reaches the server as {} and succeeds without touching the streak preferences.
    const viaSdk = await sdkRequests(server, 1, () => env.trophy.users.updatePreferences(id, { streak } as TrophyApi.UpdateUserPreferencesRequest));
    assert.deepEqual(viaSdk.notifications, {});
    assert.equal((viaSdk as { streak?: unknown }).streak, undefined);

    // Sent directly (as newer SDKs do), it is 403 while personalization is off, with Trophy's {error} body
    // (which any SDK version turns into a TrophyApiError with statusCode 403: no typed class, no retry).
    const patch = (body: unknown) =>
      fetch(`${server.url}/v1/users/${id}/preferences`, { method: 'PATCH', headers: { 'x-api-key': env.key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const forbidden = await patch({ streak });
    assert.equal(forbidden.status, 403);
    assert.match(((await forbidden.json()) as { error: string }).error, /personalization/i);
    const enabledOnly = await patch({ streak: { enabled: false } });
    assert.equal(enabledOnly.status, 200, '`enabled` alone is always allowed');

    await env.streakSettings({ enabled: true, frequency: 'daily', conditions: [{ metricKey: metric!.key, threshold: 1 }], personalization: true });
    const allowed = await patch({ streak });
    assert.equal(allowed.status, 200);
    // The SDK still parses the response (streak is an unknown key it passes through).
    const read = await sdkRequests(server, 1, () => env.trophy.users.getPreferences(id));
    assert.deepEqual(read.notifications, {});
    assert.deepEqual((read as { streak?: unknown }).streak, { enabled: false, metrics: [{ key: metric!.key, threshold: 5 }] });
  });
});
