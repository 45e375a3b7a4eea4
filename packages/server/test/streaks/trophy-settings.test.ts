import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { adminSchemaValidator, appSchemaValidator } from '../support/reference-schemas.js';
import { SETTINGS, newEnvironment, unique } from './helpers.js';

const DAY = 86_400_000;
const RESET = '/admin/v1/streaks/reset';
// Friday 2026-03-06, 12:00 UTC.
const FRIDAY = Date.UTC(2026, 2, 6, 12);

/** The Trophy fields of a StreakSettings answer (Laurel's extensions follow them). */
function trophyPart(body: any) {
  const { frequency, evaluationMode, customizationEnabled, daysOff, metrics, freezes } = body;
  return { frequency, evaluationMode, customizationEnabled, daysOff, metrics, freezes };
}

/**
 * Trophy's streak settings (GET/PATCH /admin/v1/streaks/settings, spec 1.24.0) with days off, and
 * POST /admin/v1/streaks/reset (SDK 1.26), through the APIs with the manual clock.
 */
forEachBackend('streak settings: Trophy PATCH, days off, reset', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(FRIDAY);
  const validSettings = adminSchemaValidator('StreakSettings');

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(() => laurel.close());

  async function metric(key: string, env: { key: string }): Promise<void> {
    const created = await laurel.api('POST', '/admin/v1/metrics', { key: env.key, body: [{ key, name: key }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }

  test('PATCH changes only the fields sent; GET answers the same, valid against spec 1.24.0', async (t) => {
    const env = await newEnvironment(laurel);
    await metric('lessons', env);
    await metric('minutes', env);
    const first = await laurel.api('PATCH', SETTINGS, {
      key: env.key,
      body: { metrics: [{ key: 'lessons', threshold: 1 }], daysOff: [6, 0], freezes: { startCount: 1, maxCount: 3, autoEarnInterval: 7, autoEarnAmount: 1 } },
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(trophyPart(first.body), {
      frequency: 'daily',
      evaluationMode: 'AND',
      customizationEnabled: false,
      daysOff: [0, 6],
      metrics: [{ key: 'lessons', threshold: 1 }],
      freezes: { startCount: 1, maxCount: 3, autoEarnInterval: 7, autoEarnAmount: 1 },
    });
    // Sending metrics turned the streak on (Laurel's `enabled`).
    assert.equal(first.body.enabled, true);
    const second = await laurel.api('PATCH', SETTINGS, { key: env.key, body: { evaluationMode: 'OR', customizationEnabled: true, freezes: null } });
    assert.equal(second.status, 200);
    assert.deepEqual(trophyPart(second.body), { ...trophyPart(first.body), evaluationMode: 'OR', customizationEnabled: true, freezes: null });
    assert.equal(second.body.personalization, true);
    // An empty body (the SDK's update() without an argument) changes nothing.
    const empty = await laurel.api('PATCH', SETTINGS, { key: env.key, body: {} });
    assert.deepEqual(empty.body, second.body);
    assert.deepEqual((await laurel.api('GET', SETTINGS, { key: env.key })).body, second.body);
    // Moving away from daily wipes the days off without being asked.
    const weekly = await laurel.api('PATCH', SETTINGS, { key: env.key, body: { frequency: 'weekly' } });
    assert.deepEqual(weekly.body.daysOff, []);
    if (!validSettings) return t.diagnostic('reference schemas not found: shape not checked');
    assert.deepEqual(validSettings(trophyPart(weekly.body)), []);
  });

  test('refused PATCH bodies: 422 naming the field, nothing changed', async () => {
    const env = await newEnvironment(laurel);
    await metric('lessons', env);
    const saved = (await laurel.api('PATCH', SETTINGS, { key: env.key, body: { metrics: [{ key: 'lessons', threshold: 1 }] } })).body;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ daysOff: [7] }, /body\.daysOff\[0\]/],
      [{ daysOff: [1, 1] }, /body\.daysOff: must not list a day twice/],
      [{ daysOff: [0, 1, 2, 3, 4, 5, 6] }, /body\.daysOff: at most 6/],
      [{ frequency: 'weekly', daysOff: [1] }, /daysOff: only a daily streak/],
      [{ metrics: [] }, /body\.metrics: at least one/],
      [{ metrics: [{ key: 'lessons', threshold: 0 }] }, /body\.metrics\[0\]\.threshold/],
      [{ metrics: [{ key: 'lessons', threshold: 1 }, { key: 'lessons', threshold: 2 }] }, /body\.metrics\[1\]\.key: .*twice/],
      [{ metrics: [{ key: 'nope', threshold: 1 }] }, /metrics\[0\]\.key: unknown metric "nope"/],
      [{ freezes: { startCount: 3, maxCount: 2 } }, /body\.freezes\.maxCount: must be at least startCount/],
      [{ freezes: { startCount: 0, maxCount: 2, autoEarnInterval: 7 } }, /body\.freezes\.autoEarnAmount: .*set together/],
      [{ evaluationMode: 'ALL' }, /body\.evaluationMode/],
      [{ colour: 'red' }, /colour/],
    ];
    for (const [body, pattern] of cases) assertError(await laurel.api('PATCH', SETTINGS, { key: env.key, body }), 422, pattern);
    assert.deepEqual((await laurel.api('GET', SETTINGS, { key: env.key })).body, saved);
    // An enabled streak without a metric cannot be made from nothing.
    const fresh = await newEnvironment(laurel);
    assertError(await laurel.api('PATCH', SETTINGS, { key: fresh.key, body: { enabled: true } }), 422, /metrics: at least one metric/);
  });

  test('a weekend off holds a daily streak through Saturday and Sunday; Monday extends it', async (t) => {
    clock.set(FRIDAY);
    const env = await newEnvironment(laurel);
    await metric('runs', env);
    assert.equal((await laurel.api('PATCH', SETTINGS, { key: env.key, body: { metrics: [{ key: 'runs', threshold: 1 }], daysOff: [0, 6] } })).status, 200);
    const user = unique('weekender');
    const event = (value = 1) => laurel.api('POST', '/v1/metrics/runs/event', { key: env.key, body: { user: { id: user }, value } });
    assert.equal((await event()).body.currentStreak.length, 1);
    const friday = await laurel.api('GET', `/v1/users/${user}/streak`, { key: env.key });
    assert.equal(friday.body.expires, '2026-03-09', 'the last day to act is Monday');
    clock.set(FRIDAY + 3 * DAY); // Monday
    const held = await laurel.api('GET', `/v1/users/${user}/streak?historyPeriods=4`, { key: env.key });
    assert.equal(held.body.length, 1);
    assert.deepEqual(
      held.body.streakHistory.map((row: any) => [row.periodStart, row.length]),
      // Monday, not acted on yet, reads 0 like any current period before its activity.
      [['2026-03-06', 1], ['2026-03-07', 1], ['2026-03-08', 1], ['2026-03-09', 0]],
    );
    const monday = await event();
    assert.equal(monday.body.currentStreak.length, 2);
    const validStreak = appSchemaValidator('StreakResponse');
    if (!validStreak) return t.diagnostic('reference schemas not found: shape not checked');
    assert.deepEqual(validStreak(held.body), []);
  });

  test("a user's own days off replace the environment's only with customization on (403 otherwise)", async () => {
    clock.set(FRIDAY);
    const env = await newEnvironment(laurel);
    await metric('steps', env);
    await laurel.api('PATCH', SETTINGS, { key: env.key, body: { metrics: [{ key: 'steps', threshold: 1 }] } });
    const user = unique('own-days');
    await laurel.api('POST', '/v1/metrics/steps/event', { key: env.key, body: { user: { id: user }, value: 1 } });
    assertError(await laurel.api('PATCH', `/v1/users/${user}/preferences`, { key: env.key, body: { streak: { daysOff: [6] } } }), 403, /personalization/);
    await laurel.api('PATCH', SETTINGS, { key: env.key, body: { customizationEnabled: true } });
    const prefs = await laurel.api('PATCH', `/v1/users/${user}/preferences`, { key: env.key, body: { streak: { daysOff: [6] } } });
    assert.equal(prefs.status, 200, JSON.stringify(prefs.body));
    assert.deepEqual(prefs.body.streak.daysOff, [6]);
    clock.set(FRIDAY + 2 * DAY); // Sunday: Saturday held, Sunday not over yet
    assert.equal((await laurel.api('GET', `/v1/users/${user}/streak`, { key: env.key })).body.length, 1);
    clock.set(FRIDAY + 3 * DAY); // Monday: Sunday was missed
    assert.equal((await laurel.api('GET', `/v1/users/${user}/streak`, { key: env.key })).body.length, 0);
  });

  test('POST /streaks/reset sets running streaks to 0: 201 with the users reset, issues for the others', async (t) => {
    clock.set(FRIDAY);
    const env = await newEnvironment(laurel);
    await metric('reads', env);
    await laurel.api('PATCH', SETTINGS, { key: env.key, body: { metrics: [{ key: 'reads', threshold: 1 }] } });
    const [a, idle] = [unique('reset-a'), unique('reset-idle')];
    await laurel.api('POST', '/v1/metrics/reads/event', { key: env.key, body: { user: { id: a }, value: 1 } });
    await laurel.api('POST', '/v1/users', { key: env.key, body: { id: idle } });
    const response = await laurel.api('POST', RESET, { key: env.key, body: { users: [{ id: a }, { id: idle }, { id: 'ghost' }] } });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.deepEqual(response.body.resetUsers, [a]);
    assert.deepEqual(
      response.body.issues.map((issue: any) => [issue.userId, issue.index, issue.severity, issue.message]),
      [
        [idle, 1, 'warning', 'No streak to reset'],
        ['ghost', 2, 'error', 'User does not exist'],
      ],
    );
    assert.equal((await laurel.api('GET', `/v1/users/${a}/streak`, { key: env.key })).body.length, 0);
    // The same period's activity starts it again at 1.
    const again = await laurel.api('POST', '/v1/metrics/reads/event', { key: env.key, body: { user: { id: a }, value: 1 } });
    assert.equal(again.body.currentStreak.length, 1);
    // Nothing to reset: 200.
    const none = await laurel.api('POST', RESET, { key: env.key, body: { users: [{ id: idle }] } });
    assert.equal(none.status, 200);
    assertError(await laurel.api('POST', RESET, { key: env.key, body: { users: [] } }), 422, /body\.users/);
    const validIssue = adminSchemaValidator('AdminIssue');
    if (!validIssue) return t.diagnostic('reference schemas not found: issue shape not checked');
    // level and reason are the SDK 1.0.42 spellings (docs/api.md), allowed beside AdminIssue's fields.
    for (const issue of response.body.issues) {
      const { level, reason, ...rest } = issue;
      assert.deepEqual(validIssue(rest), []);
    }
  });
});
