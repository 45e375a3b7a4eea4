import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { findMetricByKey } from '../../src/metrics/metric-store.js';
import { newId } from '../../src/store/ids.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { adminSchemaValidator } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';
import { fixturesFor } from '../support/fixtures.js';

const METRICS = '/admin/v1/metrics';
const UNKNOWN_ID = '3b241101-e2bb-4255-8caf-4136c566a962';

/** Asserts that a body matches a schema of Trophy's Admin API document (skipped when the document is absent). */
function assertMatchesReference(schemaName: string, body: unknown): void {
  const validate = adminSchemaValidator(schemaName);
  if (!validate) return;
  assert.deepEqual(validate(body), [], `${schemaName}: ${JSON.stringify(body).slice(0, 300)}`);
}

let sequence = 0;
const uniqueKey = (prefix = 'metric') => `${prefix}-${++sequence}`;

forEachBackend('metrics admin API', (database) => {
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
  });
  after(() => laurel.close());

  const create = (items: unknown[], key?: string) => laurel.api('POST', METRICS, { body: items, ...(key ? { key } : {}) });
  const createOne = async (item: Record<string, unknown> = {}, key?: string) => {
    const response = await create([{ name: 'A metric', key: uniqueKey(), ...item }], key);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.created[0];
  };
  const update = (items: unknown[], key?: string) => laurel.api('PATCH', METRICS, { body: items, ...(key ? { key } : {}) });
  const get = (id: string) => laurel.api('GET', `${METRICS}/${id}`);
  const rowCount = async () => Number((await laurel.backend.db.selectFrom('metrics').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const environmentId = async (name: string) => (await findEnvironmentByName(laurel.backend.db, name))!.id;

  test('create answers 201 with {created, issues}: number metrics by default with units "", currency metrics with their code', async () => {
    const response = await create([
      { name: 'Invites Sent', key: 'invites-sent' },
      { name: 'Revenue', key: 'revenue', unitType: 'currency', units: 'USD' },
      { name: 'Distance', key: 'distance_run', unitType: 'number', units: 'km' },
    ]);
    assert.equal(response.status, 201);
    assertMatchesReference('CreateMetricsResponse', response.body);
    const [invites, revenue, distance] = response.body.created;
    assert.deepEqual(response.body, {
      created: [
        { id: invites.id, name: 'Invites Sent', key: 'invites-sent', unitType: 'number', units: '' },
        { id: revenue.id, name: 'Revenue', key: 'revenue', unitType: 'currency', units: 'USD' },
        { id: distance.id, name: 'Distance', key: 'distance_run', unitType: 'number', units: 'km' },
      ],
      issues: [],
    });
    const row = await laurel.backend.db.selectFrom('metrics').selectAll().where('id', '=', invites.id).executeTakeFirstOrThrow();
    assert.equal(row.status, 'active', 'new metrics are active');
  });

  test('get returns the metric as created; an unknown id is 404 naming it', async () => {
    const created = await createOne({ unitType: 'currency', units: 'EUR' });
    const response = await get(created.id);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, created);
    assertMatchesReference('CreatedMetric', response.body);
    assertError(await get(UNKNOWN_ID), 404, new RegExp(`Metric not found: ${UNKNOWN_ID}`));
    assertError(await get('not-a-uuid'), 404, /Metric not found: not-a-uuid/);
  });

  test('list returns the oldest first, 10 by default, and pages with limit and skip', async () => {
    const key = (await fixturesFor(laurel, 'metric-paging')).key;
    const items = Array.from({ length: 23 }, (_, i) => ({ name: `Metric ${i}`, key: `m${i}` }));
    assert.equal((await create(items, key)).status, 201);
    const page = async (query: string) => {
      const response = await laurel.api('GET', `${METRICS}${query}`, { key });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assertMatchesReference('ListMetricsResponse', response.body);
      return response.body.map((m: any) => m.key) as string[];
    };
    const all = await page('?limit=100');
    assert.deepEqual(all, items.map((item) => item.key), 'in the order they were created');
    assert.deepEqual(await page(''), all.slice(0, 10));
    assert.deepEqual(await page('?skip=10'), all.slice(10, 20));
    assert.deepEqual(await page('?limit=5&skip=20'), all.slice(20));
    assert.deepEqual(await page('?skip=100'), []);
    assertError(await laurel.api('GET', `${METRICS}?limit=101`, { key }), 422, /limit/);
  });

  test('a key in use, or repeated later in the request, is an issue for that item; the others are created', async () => {
    const existing = await createOne();
    const fresh = uniqueKey();
    const response = await create([
      { name: 'Taken', key: existing.key },
      { name: 'Fresh', key: fresh },
      { name: 'Fresh again', key: fresh },
    ]);
    assert.equal(response.status, 201);
    assertMatchesReference('CreateMetricsResponse', response.body);
    assert.deepEqual(response.body.created.map((m: any) => [m.name, m.key]), [['Fresh', fresh]]);
    assert.deepEqual(response.body.issues[0], { index: 0, severity: 'error', message: 'Key already in use by another metric' });
    assert.equal(response.body.issues[1].index, 2);
    assert.match(response.body.issues[1].message, /already used by item 1 of this request/);
    assert.equal(response.body.issues.length, 2);
  });

  test('when no item can be created the answer is 200 with the issues, and nothing is written', async () => {
    const existing = await createOne();
    const before = await rowCount();
    const response = await create([{ name: 'Taken', key: existing.key }, { name: 'No code', key: uniqueKey(), unitType: 'currency' }]);
    assert.equal(response.status, 200);
    assertMatchesReference('CreateMetricsResponse', response.body);
    assert.deepEqual(response.body.created, []);
    assert.deepEqual(response.body.issues.map((i: any) => i.index), [0, 1]);
    assert.equal(await rowCount(), before);
  });

  test('a currency metric needs a currency code: missing or unknown codes are issues; codes are stored in upper case', async () => {
    const response = await create([
      { name: 'No units', key: uniqueKey(), unitType: 'currency' },
      { name: 'Not a code', key: uniqueKey(), unitType: 'currency', units: 'dollars' },
      { name: 'Lower case', key: uniqueKey(), unitType: 'currency', units: 'gbp' },
    ]);
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.created.map((m: any) => m.units), ['GBP']);
    assert.deepEqual(response.body.issues.map((i: any) => i.index), [0, 1]);
    assert.match(response.body.issues[0].message, /units is required when unitType is currency/);
    assert.match(response.body.issues[1].message, /"dollars" is not a supported currency code/);
  });

  test('concurrent creates of one key: exactly one wins, never an error', async () => {
    const key = uniqueKey('race');
    const answers = await Promise.all(Array.from({ length: 4 }, () => create([{ name: 'Racer', key }])));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 201]);
    assert.equal(answers.flatMap((a) => a.body.created).length, 1);
  });

  test('bodies that do not fit the schema, keys with other characters included, are refused whole with 422', async () => {
    const before = await rowCount();
    const valid = () => ({ name: 'Valid', key: uniqueKey() });
    assertError(await laurel.api('POST', METRICS, { body: valid() }), 422, /body: .*expected array/);
    assertError(await create([]), 422, /at least one metric/);
    assertError(await create(Array.from({ length: 101 }, valid)), 422, /at most 100 metrics/);
    assertError(await create([valid(), { ...valid(), key: 'not ok!' }]), 422, /body\[1\]\.key: must contain only letters, digits, hyphens and underscores/);
    assertError(await create([{ ...valid(), key: '' }]), 422, /body\[0\]\.key/);
    assertError(await create([{ ...valid(), name: null }]), 422, /body\[0\]\.name/);
    assertError(await create([{ ...valid(), unitType: 'percent' }]), 422, /body\[0\]\.unitType: unknown unit type "percent"/);
    assertError(await create([{ ...valid(), units: 5 }]), 422, /body\[0\]\.units/);
    assertError(await create([{ name: 'no key' }]), 422, /body\[0\]\.key/);
    assertError(await create([{ ...valid(), status: 'archived' }]), 422, /body\[0\]: unknown field "status"/);
    assert.equal(await rowCount(), before);
  });

  test('update changes name, unitType and units; fields left out are kept', async () => {
    const created = await createOne({ name: 'Invites Sent' });
    let expected = created;
    const changes: Record<string, unknown>[] = [
      { name: 'Invites Completed', units: 'invites' },
      { unitType: 'currency', units: 'usd' },
      { units: 'EUR' },
      { unitType: 'number' },
      { units: 'dollars' },
      {},
    ];
    const stored: Record<string, unknown>[] = [
      { name: 'Invites Completed', units: 'invites' },
      { unitType: 'currency', units: 'USD' },
      { units: 'EUR' },
      { unitType: 'number' },
      { units: 'dollars' },
      {},
    ];
    for (const [i, change] of changes.entries()) {
      const response = await update([{ id: created.id, ...change }]);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assertMatchesReference('UpdateMetricsResponse', response.body);
      expected = { ...expected, ...stored[i] };
      assert.deepEqual(response.body, { updated: [expected], issues: [] }, `after ${JSON.stringify(change)}`);
      assert.deepEqual((await get(created.id)).body, expected);
    }
    assert.equal(expected.key, created.key);
  });

  test('update to currency without a currency code is an issue and changes nothing', async () => {
    const labelled = await createOne({ units: 'steps' });
    const money = await createOne({ unitType: 'currency', units: 'JPY' });
    const response = await update([
      { id: labelled.id, unitType: 'currency' },
      { id: money.id, units: 'yen' },
      { id: money.id, name: 'repeated id' },
    ]);
    assert.equal(response.status, 200);
    assertMatchesReference('UpdateMetricsResponse', response.body);
    assert.deepEqual(response.body.updated, []);
    assert.deepEqual(response.body.issues.map((i: any) => i.id), [labelled.id, money.id, money.id]);
    assert.match(response.body.issues[0].message, /"steps" is not a supported currency code/);
    assert.match(response.body.issues[1].message, /"yen" is not a supported currency code/);
    assert.match(response.body.issues[2].message, /more than once/);
    assert.deepEqual((await get(labelled.id)).body, labelled);
    assert.deepEqual((await get(money.id)).body, money);
  });

  test('update: unknown ids are issues; the other items are applied', async () => {
    const known = await createOne();
    const response = await update([
      { id: UNKNOWN_ID, name: 'Ghost' },
      { id: known.id, name: 'Renamed' },
      { id: 'not-a-uuid', name: 'Ghost' },
    ]);
    assert.equal(response.status, 200);
    assertMatchesReference('UpdateMetricsResponse', response.body);
    assert.deepEqual(response.body, {
      updated: [{ ...known, name: 'Renamed' }],
      issues: [
        { id: UNKNOWN_ID, severity: 'error', message: 'Metric not found by ID' },
        { id: 'not-a-uuid', severity: 'error', message: 'id must be a valid UUID' },
      ],
    });
  });

  test('the key cannot be changed: an update naming it is refused with 422, and nothing changes', async () => {
    const created = await createOne();
    assertError(await update([{ id: created.id, key: 'new-key' }]), 422, /body\[0\]: key cannot be changed/);
    assertError(await update([{ id: created.id, name: 'ok' }, { id: created.id, key: created.key, name: 'x' }]), 422, /body\[1\]: key cannot be changed/);
    assertError(await update([{ id: created.id, unitType: 'percent' }]), 422, /body\[0\]\.unitType/);
    assertError(await update([{ name: 'no id' }]), 422, /body\[0\]\.id/);
    assertError(await update(Array.from({ length: 101 }, () => ({ id: created.id }))), 422, /at most 100 changes/);
    assert.deepEqual((await get(created.id)).body, created);
  });

  test('delete takes ?ids=a,b or ?ids=a&ids=b and reports unknown ids as issues', async () => {
    const [a, b, c, d, kept] = [await createOne(), await createOne(), await createOne(), await createOne(), await createOne()];
    const commaSeparated = await laurel.api('DELETE', `${METRICS}?ids=${a.id},${b.id}`);
    assert.equal(commaSeparated.status, 200);
    assertMatchesReference('DeleteMetricsResponse', commaSeparated.body);
    assert.deepEqual(commaSeparated.body, { deleted: [{ id: a.id }, { id: b.id }], issues: [] });

    const repeated = await laurel.api('DELETE', `${METRICS}?ids=${c.id}&ids=${UNKNOWN_ID}&ids=${d.id}&ids=not-a-uuid&ids=${a.id}`);
    assert.equal(repeated.status, 200);
    assertMatchesReference('DeleteMetricsResponse', repeated.body);
    assert.deepEqual(repeated.body, {
      deleted: [{ id: c.id }, { id: d.id }],
      issues: [
        { id: UNKNOWN_ID, severity: 'error', message: 'Metric not found by ID' },
        { id: 'not-a-uuid', severity: 'error', message: 'id must be a valid UUID' },
        { id: a.id, severity: 'error', message: 'Metric not found by ID' },
      ],
    });
    for (const gone of [a, b, c, d]) assertError(await get(gone.id), 404);
    assert.equal((await get(kept.id)).status, 200);
    assert.equal((await create([{ name: 'Reused', key: a.key }])).status, 201, 'a deleted metric frees its key');
    assertError(await laurel.api('DELETE', METRICS), 422, /ids/);
    assertError(await laurel.api('DELETE', `${METRICS}?${Array.from({ length: 101 }, () => `ids=${UNKNOWN_ID}`).join('&')}`), 422, /at most 100 ids/);
  });

  test("deleting a metric deletes its users' totals, daily sums and events; achievements keep existing without it", async () => {
    const metric = await createOne();
    const other = await createOne();
    const db = laurel.backend.db;
    const env = await environmentId('development');
    const now = Date.now();
    for (const metricId of [metric.id, other.id]) {
      await db.insertInto('user_metrics').values({ environment_id: env, user_id: 'u1', metric_id: metricId, total: 5, updated_at: now }).execute();
      await db
        .insertInto('metric_events')
        .values({ id: newId(), environment_id: env, user_id: 'u1', metric_id: metricId, value: 5, attributes: '{}', idempotency_key: null, total: 5, created_at: now })
        .execute();
      await db.insertInto('metric_daily').values({ environment_id: env, user_id: 'u1', metric_id: metricId, day: '2026-01-01', change: 5 }).execute();
    }
    const achievementId = newId();
    await db
      .insertInto('achievements')
      .values({
        id: achievementId,
        environment_id: env,
        key: uniqueKey('achievement'),
        name: 'Five',
        description: null,
        badge_url: null,
        trigger: 'metric',
        status: 'active',
        metric_id: metric.id,
        metric_value: 5,
        streak_length: null,
        prerequisite_ids: '[]',
        user_attributes: '[]',
        event_attributes: '[]',
        created_at: now,
        updated_at: now,
      })
      .execute();

    const response = await laurel.api('DELETE', `${METRICS}?ids=${metric.id}`);
    assert.deepEqual(response.body, { deleted: [{ id: metric.id }], issues: [] });
    for (const table of ['user_metrics', 'metric_events', 'metric_daily'] as const) {
      const rows = await db.selectFrom(table).select('metric_id').where('user_id', '=', 'u1').where('environment_id', '=', env).execute();
      assert.deepEqual(rows.map((r) => r.metric_id), [other.id], `${table} keeps only the other metric's rows`);
    }
    const achievement = await db.selectFrom('achievements').select('metric_id').where('id', '=', achievementId).executeTakeFirstOrThrow();
    assert.equal(achievement.metric_id, null);
  });

  test("every call is scoped to the key's environment", async () => {
    const production = laurel.keys.production;
    const development = await createOne({ name: 'Development only' });

    const response = await laurel.api('GET', `${METRICS}/${development.id}`, { key: production });
    assertError(response, 404);
    const listed = (await laurel.api('GET', `${METRICS}?limit=100`, { key: production })).body.map((m: any) => m.id);
    assert.ok(!listed.includes(development.id));
    assert.deepEqual((await update([{ id: development.id, name: 'Hijacked' }], production)).body, {
      updated: [],
      issues: [{ id: development.id, severity: 'error', message: 'Metric not found by ID' }],
    });
    assert.deepEqual((await laurel.api('DELETE', `${METRICS}?ids=${development.id}`, { key: production })).body, {
      deleted: [],
      issues: [{ id: development.id, severity: 'error', message: 'Metric not found by ID' }],
    });
    assert.deepEqual((await get(development.id)).body, development, 'untouched in its own environment');

    const sameKey = await create([{ name: 'Same key', key: development.key }], production);
    assert.equal(sameKey.status, 201, 'keys are unique per environment only');

    assert.equal((await findMetricByKey(laurel.backend.db, await environmentId('development'), development.key))?.id, development.id);
    assert.equal((await findMetricByKey(laurel.backend.db, await environmentId('production'), development.key))?.id, sameKey.body.created[0].id);
    assert.equal(await findMetricByKey(laurel.backend.db, await environmentId('production'), 'no-such-key'), undefined);

    assertError(await laurel.api('GET', METRICS, { key: null }), 401);
    assertError(await laurel.api('DELETE', `${METRICS}?ids=${development.id}`, { key: null }), 401);
  });
});
