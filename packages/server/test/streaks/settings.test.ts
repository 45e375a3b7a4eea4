import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { startOfLocalDay } from '../../src/engine/streaks/index.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { setStreakState } from '../support/rows.js';
import { SETTINGS, createMetric, insertArchivedMetric, insertUser, newEnvironment, putSettings, settingsBody } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12); // Wednesday 2026-03-11, 12:00 UTC

/** Trophy's StreakSettings, then Laurel's extensions (enabled, weekStart, personalization, conditions). */
const DEFAULTS = {
  frequency: 'daily',
  evaluationMode: 'AND',
  customizationEnabled: false,
  daysOff: [],
  metrics: [],
  freezes: null,
  enabled: false,
  weekStart: 0,
  personalization: false,
  conditions: [],
};

forEachBackend('streak settings: PUT (Laurel extension) and GET', (database) => {
  let laurel: TestLaurel;

  before(async () => {
    // The worker role for its scheduler, run by hand (runDue): saving settings reschedules by a job.
    laurel = await startTestLaurel({ databaseUrl: database().url, clock: new ManualClock(NOW) });
  });
  after(() => laurel.close());

  test('an environment without saved settings has a disabled daily streak', async () => {
    const env = await newEnvironment(laurel);
    const response = await laurel.api('GET', SETTINGS, { key: env.key });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, DEFAULTS);
  });

  test('PUT replaces the settings and answers them; GET reads them back; conditions show metricId and metricKey; ALL is answered as AND', async () => {
    const env = await newEnvironment(laurel);
    const words = await createMetric(laurel, env);
    const minutes = await createMetric(laurel, env);
    const body = {
      enabled: true,
      frequency: 'weekly',
      conditions: [
        { metricKey: words.key, threshold: 500 },
        { metricKey: minutes.key, threshold: 2.5 },
      ],
      evaluationMode: 'ALL',
      weekStart: 1,
      freezes: { enabled: true, initial: 1, max: 3, autoEarnInterval: 7, autoEarnAmount: 1 },
      personalization: true,
    };
    const expected = {
      frequency: 'weekly',
      evaluationMode: 'AND',
      customizationEnabled: true,
      daysOff: [],
      metrics: [
        { key: words.key, threshold: 500 },
        { key: minutes.key, threshold: 2.5 },
      ],
      freezes: { startCount: 1, maxCount: 3, autoEarnInterval: 7, autoEarnAmount: 1 },
      enabled: true,
      weekStart: 1,
      personalization: true,
      conditions: [
        { metricId: words.id, metricKey: words.key, threshold: 500 },
        { metricId: minutes.id, metricKey: minutes.key, threshold: 2.5 },
      ],
    };
    assert.deepEqual(await putSettings(laurel, body, env.key), expected);
    assert.deepEqual((await laurel.api('GET', SETTINGS, { key: env.key })).body, expected);

    const stored = await laurel.backend.db.selectFrom('streak_settings').select('settings').where('environment_id', '=', env.id).executeTakeFirstOrThrow();
    const settings = JSON.parse(stored.settings);
    assert.deepEqual(settings.conditions, [
      { metricId: words.id, threshold: 500 },
      { metricId: minutes.id, threshold: 2.5 },
    ]);
    assert.equal(settings.evaluationMode, 'AND');

    // Another environment is untouched.
    const other = await newEnvironment(laurel);
    assert.deepEqual((await laurel.api('GET', SETTINGS, { key: other.key })).body, DEFAULTS);
  });

  test('fields left out take their defaults, not their previous values', async () => {
    const env = await newEnvironment(laurel);
    const metric = await createMetric(laurel, env);
    await putSettings(laurel, settingsBody(metric.key, { evaluationMode: 'OR', weekStart: 3, personalization: true, freezes: { enabled: true, max: 2 } }), env.key);
    const replaced = await putSettings(laurel, settingsBody(metric.key), env.key);
    assert.deepEqual(replaced, { ...DEFAULTS, enabled: true, metrics: [{ key: metric.key, threshold: 1 }], conditions: [{ metricId: metric.id, metricKey: metric.key, threshold: 1 }] });
  });

  test('invalid settings are refused whole with 422 naming the field, and nothing changes', async () => {
    const env = await newEnvironment(laurel);
    const metric = await createMetric(laurel, env);
    const saved = await putSettings(laurel, settingsBody(metric.key), env.key);
    const freezes = { enabled: true, initial: 0, max: 3, autoEarnInterval: null, autoEarnAmount: null };
    const cases: [body: Record<string, unknown>, pattern: RegExp][] = [
      [{ frequency: 'daily', conditions: [] }, /body\.enabled/],
      [settingsBody(metric.key, { frequency: 'hourly' }), /body\.frequency/],
      [settingsBody(metric.key, { conditions: [{ metricKey: metric.key, threshold: 0 }] }), /body\.conditions\[0\]\.threshold: must be greater than 0/],
      [settingsBody(metric.key, { conditions: [{ metricKey: metric.key, threshold: -1 }] }), /body\.conditions\[0\]\.threshold/],
      [settingsBody(metric.key, { conditions: [{ metricKey: metric.key, threshold: 1 }, { metricKey: metric.key, threshold: 2 }] }), /body\.conditions\[1\]\.metricKey: .*twice/],
      [settingsBody(metric.key, { conditions: [] }), /body\.conditions: at least one condition/],
      [settingsBody(metric.key, { evaluationMode: 'ANY' }), /body\.evaluationMode/],
      [settingsBody(metric.key, { weekStart: 7 }), /body\.weekStart/],
      [settingsBody(metric.key, { weekStart: 'monday' }), /body\.weekStart/],
      [settingsBody(metric.key, { freezes: { ...freezes, max: 101 } }), /body\.freezes\.max/],
      [settingsBody(metric.key, { freezes: { ...freezes, max: -1 } }), /body\.freezes\.max/],
      [settingsBody(metric.key, { freezes: { ...freezes, initial: 4 } }), /body\.freezes\.initial: must not exceed max \(3\)/],
      [settingsBody(metric.key, { freezes: { ...freezes, autoEarnInterval: 0, autoEarnAmount: 1 } }), /body\.freezes\.autoEarnInterval/],
      [settingsBody(metric.key, { freezes: { ...freezes, autoEarnInterval: 1.5, autoEarnAmount: 1 } }), /body\.freezes\.autoEarnInterval/],
      [settingsBody(metric.key, { freezes: { ...freezes, autoEarnInterval: 7 } }), /body\.freezes\.autoEarnAmount: .*set together/],
      [settingsBody(metric.key, { freezes: { initial: 0 } }), /body\.freezes\.enabled/],
      [settingsBody(metric.key, { personalization: 'yes' }), /body\.personalization/],
      [settingsBody(metric.key, { colour: 'red' }), /colour/],
    ];
    for (const [body, pattern] of cases) {
      assertError(await laurel.api('PUT', SETTINGS, { body, key: env.key }), 422, pattern);
    }
    assert.deepEqual((await laurel.api('GET', SETTINGS, { key: env.key })).body, saved);
  });

  test('a condition on an unknown, archived or other-environment metric answers 400 naming it; nothing changes', async () => {
    const env = await newEnvironment(laurel);
    const other = await newEnvironment(laurel);
    const metric = await createMetric(laurel, env);
    const archived = await insertArchivedMetric(laurel, env.id);
    const foreign = await createMetric(laurel, other);
    const saved = await putSettings(laurel, settingsBody(metric.key), env.key);
    for (const key of ['no-such-metric', archived.key, foreign.key]) {
      const body = settingsBody(metric.key, { conditions: [{ metricKey: metric.key, threshold: 1 }, { metricKey: key, threshold: 1 }] });
      assertError(await laurel.api('PUT', SETTINGS, { body, key: env.key }), 400, new RegExp(`conditions\\[1\\]\\.metricKey: unknown metric "${key}"`));
    }
    assert.deepEqual((await laurel.api('GET', SETTINGS, { key: env.key })).body, saved);
  });

  test('disabled settings may have no conditions', async () => {
    const env = await newEnvironment(laurel);
    assert.deepEqual(await putSettings(laurel, { enabled: false, frequency: 'monthly', conditions: [] }, env.key), { ...DEFAULTS, frequency: 'monthly' });
  });

  test('saving settings reschedules every user streak of the environment, by a job that runs after the response', async () => {
    const env = await newEnvironment(laurel);
    const metric = await createMetric(laurel, env);
    const active = await insertUser(laurel, env.id, { tz: 'Europe/Paris' });
    const idle = await insertUser(laurel, env.id);
    await setStreakState(laurel, env.id, active, { length: 2, started: '2026-03-09', lastPeriodStart: '2026-03-10', lastExtendedAt: NOW - 86_400_000 });
    await setStreakState(laurel, env.id, idle, {});
    const jobs = async () =>
      laurel.backend.db.selectFrom('scheduled_jobs').select(['subject', 'due_at']).where('environment_id', '=', env.id).where('kind', '=', 'streak').orderBy('subject').execute();
    const save = async (body: Record<string, unknown>) => {
      await putSettings(laurel, body, env.key);
      await laurel.scheduler!.runDue();
    };

    // The request commits the settings and the walk; the rollovers move when the walk runs.
    await putSettings(laurel, settingsBody(metric.key), env.key);
    assert.deepEqual(await jobs(), []);
    const walk = await laurel.backend.db.selectFrom('scheduled_jobs').select(['kind', 'payload']).where('environment_id', '=', env.id).execute();
    assert.deepEqual(walk, [{ kind: 'streak-reschedule', payload: JSON.stringify({ startedAt: NOW, after: null }) }]);
    // Daily: counted through 03-10, so 03-11 must be met; it is judged at Paris midnight starting 03-12.
    await laurel.scheduler!.runDue();
    assert.deepEqual(await jobs(), [{ subject: active, due_at: startOfLocalDay('2026-03-12', 'Europe/Paris') }]);

    // Weekly (Sunday start): counted through the week of 03-08; the next week ends 03-21.
    await save(settingsBody(metric.key, { frequency: 'weekly' }));
    assert.deepEqual(await jobs(), [{ subject: active, due_at: startOfLocalDay('2026-03-22', 'Europe/Paris') }]);

    // Auto-earn gives the idle user a wake-up too: the first grant is interval days from today.
    await save(settingsBody(metric.key, { freezes: { enabled: true, max: 5, autoEarnInterval: 3, autoEarnAmount: 1 } }));
    assert.deepEqual(
      (await jobs()).map((job) => [job.subject, Number(job.due_at)]),
      [
        [active, startOfLocalDay('2026-03-12', 'Europe/Paris')],
        [idle, startOfLocalDay('2026-03-14', null)],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );

    // Disabled: nothing is left to wake up for.
    await save({ enabled: false, frequency: 'daily', conditions: [] });
    assert.deepEqual(await jobs(), []);
  });

  test('the settings routes need an API key', async () => {
    assertError(await laurel.api('GET', SETTINGS, { key: null }), 401);
    assertError(await laurel.api('PUT', SETTINGS, { key: null, body: { enabled: false, frequency: 'daily', conditions: [] } }), 401);
  });
});
