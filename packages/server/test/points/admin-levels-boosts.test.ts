import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { POINTS, UNKNOWN_ID, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { assertAdminSchema } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';
import { POINTS_TABLES, assertNothingWritten, configVersion } from '../support/stored-state.js';

// 2026-03-11 12:00 UTC: already 2026-03-12 in UTC+14 (Kiritimati), still 2026-03-11 in UTC-12.
const NOW = Date.UTC(2026, 2, 11, 12);

forEachBackend('points levels and boosts admin API', (database) => {
  let laurel: TestLaurel;
  let env: Fixtures;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock: new ManualClock(NOW) });
    env = await fixturesFor(laurel);
  });
  after(() => laurel.close());

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => laurel.api(method, path, { key: env.key, ...(body === undefined ? {} : { body }) });
  const newSystem = async () => env.pointsSystem({ name: 'XP', key: unique('xp') });
  const userIn = async (tz: string | null) => {
    const id = (await env.user()).id;
    await laurel.backend.db.updateTable('users').set({ tz }).where('environment_id', '=', env.id).where('id', '=', id).execute();
    return id;
  };

  // ---- Levels.

  test("levels as Trophy's AdminPointsLevel, listed by threshold then key; a key in use is an issue", async () => {
    const system = await newSystem();
    const path = `${POINTS}/${system.id}/levels`;
    const response = await api('POST', path, [
      { name: 'Gold', key: 'gold', points: 1000, badge: { url: 'https://example.com/gold.png' } },
      { name: 'Bronze', key: 'bronze', points: 0, description: 'Where everyone starts' },
      { name: 'Also silver', key: 'silver-b', points: 500 },
      { name: 'Silver', key: 'silver-a', points: 500 },
      { name: 'Gold again', key: 'gold', points: 2000 },
    ]);
    assert.equal(response.status, 201);
    assertAdminSchema('CreatePointsLevelsResponse', response.body);
    const [gold, bronze] = response.body.created;
    assert.deepEqual(gold, { id: gold.id, name: 'Gold', key: 'gold', points: 1000, description: '', badge: { url: 'https://example.com/gold.png' } });
    assert.deepEqual(bronze, { id: bronze.id, name: 'Bronze', key: 'bronze', points: 0, description: 'Where everyone starts', badge: null });
    assert.deepEqual(response.body.issues, [{ index: 4, severity: 'error', message: 'Key already in use by another level' }]);

    const listed = await api('GET', path);
    assertAdminSchema('ListPointsLevelsResponse', listed.body);
    assert.deepEqual(listed.body.map((l: any) => l.key), ['bronze', 'silver-a', 'silver-b', 'gold']);
    assert.deepEqual((await api('GET', `${path}?skip=3`)).body.map((l: any) => l.key), ['gold']);
    const got = await api('GET', `${path}/${gold.id}`);
    assertAdminSchema('AdminPointsLevel', got.body);
    assert.deepEqual(got.body, gold);
    assertError(await api('GET', `${path}/${UNKNOWN_ID}`), 404, /Level not found/);

    // Another system may use the same key.
    const other = await newSystem();
    assert.equal((await env.pointsItems(other.id, 'levels', [{ name: 'Gold', key: 'gold', points: 1 }])).length, 1);
    const none = await api('POST', path, [{ name: 'Gold', key: 'gold', points: 1 }]);
    assert.equal(none.status, 200);
  });

  test('level updates keep what is left out; key cannot change; bad values are a 422 with nothing written', async () => {
    const system = await newSystem();
    const path = `${POINTS}/${system.id}/levels`;
    const [level] = await env.pointsItems(system.id, 'levels', [{ name: 'Bronze', key: 'bronze', points: 100, badge: { url: 'https://example.com/b.png' } }]);
    const changed = await env.update(path, { id: level.id, name: 'Bronze Tier', points: 150, badge: null });
    assert.deepEqual(changed, { ...level, name: 'Bronze Tier', points: 150, badge: null });
    const response = await api('PATCH', path, [{ id: level.id, description: 'd' }, { id: UNKNOWN_ID, name: 'x' }]);
    assertAdminSchema('PatchPointsLevelsResponse', response.body);
    assert.deepEqual(response.body.issues, [{ id: UNKNOWN_ID, severity: 'error', message: 'Level not found by ID' }]);

    const cases: [string, unknown, RegExp][] = [
      ['PATCH', [{ id: level.id, key: 'silver' }], /body\[0\]: key cannot be changed: a level's key is fixed/],
      ['PATCH', [{ id: level.id, points: -1 }], /body\[0\]\.points: must be at least 0/],
      ['POST', [{ name: 'L', key: 'l' }], /body\[0\]\.points: /],
      ['POST', [{ name: 'L', key: 'l', points: 1.5 }], /body\[0\]\.points: must be a whole number/],
      ['POST', [{ name: 'L', key: 'no spaces', points: 1 }], /body\[0\]\.key: must contain only letters/],
      ['POST', [{ name: 'L', key: 'l', points: 1, badge: { url: 'ftp://example.com/x.png' } }], /body\[0\]\.badge\.url: must be an absolute http or https URL/],
    ];
    for (const [method, body, pattern] of cases) {
      await assertNothingWritten(laurel, POINTS_TABLES, async () => assertError(await api(method as 'POST', path, body), 422, pattern));
    }
    assertError(await api('POST', `${POINTS}/${UNKNOWN_ID}/levels`, [{ name: 'L', key: 'l', points: 1 }]), 404, /Points system not found/);
  });

  test('deleting levels', async () => {
    const system = await newSystem();
    const path = `${POINTS}/${system.id}/levels`;
    const [a, b] = await env.pointsItems(system.id, 'levels', [
      { name: 'A', key: 'a', points: 0 },
      { name: 'B', key: 'b', points: 10 },
    ]);
    const response = await api('DELETE', `${path}?ids=${a.id},${UNKNOWN_ID}`);
    assertAdminSchema('DeletePointsLevelsResponse', response.body);
    assert.deepEqual(response.body, { deleted: [{ id: a.id }], issues: [{ id: UNKNOWN_ID, severity: 'error', message: 'Level not found by ID' }] });
    assert.deepEqual((await api('GET', path)).body.map((l: any) => l.id), [b.id]);
  });

  // ---- Boosts.

  test("boosts as Trophy's AdminPointsBoost, status from the dates: a global boost in every zone's calendar, a user's in that user's", async () => {
    const system = await newSystem();
    const plan = await env.attribute(unique('plan'));
    const kiritimati = await userIn('Pacific/Kiritimati');
    const london = await userIn('Europe/London');
    const path = `${POINTS}/${system.id}/boosts`;
    const response = await api('POST', path, [
      { name: 'Tomorrow for everyone', start: '2026-03-12', end: '2026-03-14', multiplier: 2 },
      { name: 'Pro weekend', start: '2026-03-20', multiplier: 1.5, rounding: 'nearest', userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] },
      { name: 'Last month', start: '2026-02-01', end: '2026-02-28', multiplier: 3, rounding: 'up' },
      { name: 'Tomorrow in Kiritimati', start: '2026-03-12', end: '2026-03-12', multiplier: 0.5, userId: kiritimati },
      { name: 'Tomorrow in London', start: '2026-03-12', end: null, multiplier: 2, userId: london },
    ]);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assertAdminSchema('CreatePointsBoostsResponse', response.body);
    const [tomorrow, pro, past, mine, theirs] = response.body.created;
    assert.deepEqual(tomorrow, { id: tomorrow.id, name: 'Tomorrow for everyone', status: 'active', start: '2026-03-12', end: '2026-03-14', multiplier: 2, rounding: 'down', userId: null, userAttributes: [] });
    assert.deepEqual([pro.status, pro.rounding, pro.end, pro.userAttributes], ['scheduled', 'nearest', null, [{ attributeId: plan.id, attributeValue: 'pro' }]]);
    assert.equal(past.status, 'finished');
    assert.deepEqual(mine, { id: mine.id, name: 'Tomorrow in Kiritimati', status: 'active', start: '2026-03-12', end: '2026-03-12', multiplier: 0.5, rounding: 'down', userId: kiritimati });
    assert.equal(theirs.status, 'scheduled', 'still 2026-03-11 in London');

    const listed = await api('GET', path);
    assertAdminSchema('ListPointsBoostsResponse', listed.body);
    assert.deepEqual(listed.body, response.body.created);
    const got = await api('GET', `${path}/${mine.id}`);
    assertAdminSchema('AdminPointsBoost', got.body);
    assert.deepEqual(got.body, mine);
    assertError(await api('GET', `${path}/${UNKNOWN_ID}`), 404, /Points boost not found/);
  });

  test('a boost for a user who does not exist is an issue for that item; the others are created', async () => {
    const system = await newSystem();
    const path = `${POINTS}/${system.id}/boosts`;
    const ghost = unique('ghost');
    const response = await api('POST', path, [
      { name: 'Ghost', start: '2026-03-12', multiplier: 2, userId: ghost },
      { name: 'Everyone', start: '2026-03-12', multiplier: 2 },
    ]);
    assert.equal(response.status, 201);
    assertAdminSchema('CreatePointsBoostsResponse', response.body);
    assert.deepEqual(response.body.created.map((b: any) => b.name), ['Everyone']);
    assert.deepEqual(response.body.issues, [{ index: 0, userId: ghost, severity: 'error', message: 'User does not exist' }]);
    const none = await api('POST', path, [{ name: 'Ghost', start: '2026-03-12', multiplier: 2, userId: ghost }]);
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.created, []);
  });

  test('multipliers out of range, userId with userAttributes, an end before the start: 422 naming the field, nothing written', async () => {
    const system = await newSystem();
    const plan = await env.attribute(unique('plan'));
    const user = await userIn(null);
    const path = `${POINTS}/${system.id}/boosts`;
    const boost = (fields: Record<string, unknown>) => ({ name: 'B', start: '2026-03-12', multiplier: 2, ...fields });
    const cases: [Record<string, unknown>, RegExp][] = [
      [boost({ multiplier: 0 }), /body\[0\]\.multiplier: must be greater than 0/],
      [boost({ multiplier: -2 }), /body\[0\]\.multiplier: must be greater than 0/],
      [boost({ multiplier: 1 }), /body\[0\]\.multiplier: must not be 1/],
      [boost({ multiplier: 100 }), /body\[0\]\.multiplier: must be less than 100/],
      [boost({ multiplier: 250 }), /body\[0\]\.multiplier: must be less than 100/],
      [boost({ multiplier: '2' }), /body\[0\]\.multiplier/],
      [boost({ userId: user, userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] }), /body\[0\]\.userAttributes: cannot be given together with userId/],
      [boost({ end: '2026-03-11' }), /body\[0\]\.end: must not be before start \(2026-03-12\)/],
      [boost({ start: '2026-02-30' }), /body\[0\]\.start: must be a date written YYYY-MM-DD/],
      [boost({ start: undefined }), /body\[0\]\.start/],
      [boost({ rounding: 'ceil' }), /body\[0\]\.rounding: must be one of down, up, nearest/],
      [boost({ name: 'x'.repeat(256) }), /body\[0\]\.name: must be at most 255 characters/],
      [boost({ userAttributes: [{ attributeId: UNKNOWN_ID, attributeValue: 'pro' }] }), /body\[0\]\.userAttributes\[0\]\.attributeId: no user attribute with this id/],
    ];
    for (const [item, pattern] of cases) {
      await assertNothingWritten(laurel, POINTS_TABLES, async () => assertError(await api('POST', path, [boost({}), item].reverse()), 422, pattern));
    }
    assertError(await api('POST', `${POINTS}/${UNKNOWN_ID}/boosts`, [boost({})]), 404, /Points system not found/);
  });

  test('boost updates: fields left out are kept, end null opens the window; userId is fixed, a user\'s boost takes no attribute filters', async () => {
    const system = await newSystem();
    const plan = await env.attribute(unique('plan'));
    const user = await userIn(null);
    const path = `${POINTS}/${system.id}/boosts`;
    const [everyone, mine] = await env.pointsItems(system.id, 'boosts', [
      { name: 'Everyone', start: '2026-03-01', end: '2026-03-05', multiplier: 2 },
      { name: 'Mine', start: '2026-03-12', multiplier: 2, userId: user },
    ]);
    assert.equal(everyone.status, 'finished');
    const reopened = await env.update(path, { id: everyone.id, end: null, multiplier: 3, rounding: 'up', userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] });
    assert.deepEqual(reopened, { ...everyone, status: 'active', end: null, multiplier: 3, rounding: 'up', userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] });
    const cleared = await env.update(path, { id: everyone.id, userAttributes: null, name: 'Everyone again' });
    assert.deepEqual([cleared.name, cleared.userAttributes], ['Everyone again', []]);

    await assertNothingWritten(laurel, POINTS_TABLES, async () => {
      assertError(await api('PATCH', path, [{ id: mine.id, userAttributes: [{ attributeId: plan.id, attributeValue: 'pro' }] }]), 422, /body\[0\]\.userAttributes: cannot be set on a boost for one user/);
      assertError(await api('PATCH', path, [{ id: mine.id, userId: 'someone-else' }]), 422, /body\[0\]: userId cannot be changed/);
      assertError(await api('PATCH', path, [{ id: everyone.id, end: '2026-02-01' }]), 422, /body\[0\]\.end: must not be before start \(2026-03-01\)/);
      assertError(await api('PATCH', path, [{ id: everyone.id, start: '2026-03-10' }, { id: mine.id, multiplier: 1 }]), 422, /body\[1\]\.multiplier: must not be 1/);
    });
    const response = await api('PATCH', path, [{ id: mine.id, end: '2026-03-20' }, { id: UNKNOWN_ID, name: 'x' }]);
    assert.equal(response.status, 200);
    assertAdminSchema('PatchPointsBoostsResponse', response.body);
    assert.deepEqual(response.body.updated, [{ ...mine, end: '2026-03-20' }]);
    assert.deepEqual(response.body.issues, [{ id: UNKNOWN_ID, severity: 'error', message: 'Points boost not found by ID' }]);
  });

  test("deleting boosts; only boosts for everyone are configuration: a user's own does not move config_version", async () => {
    const system = await newSystem();
    const user = await userIn(null);
    const path = `${POINTS}/${system.id}/boosts`;
    const before = await configVersion(laurel, env.id);
    const [mine] = await env.pointsItems(system.id, 'boosts', [{ name: 'Mine', start: '2026-03-12', multiplier: 2, userId: user }]);
    await env.update(path, { id: mine.id, multiplier: 4 });
    assert.equal(await configVersion(laurel, env.id), before);
    const [everyone] = await env.pointsItems(system.id, 'boosts', [{ name: 'Everyone', start: '2026-03-12', multiplier: 2 }]);
    assert.equal(await configVersion(laurel, env.id), before + 1);

    const response = await api('DELETE', `${path}?ids=${mine.id},${everyone.id},${UNKNOWN_ID}`);
    assertAdminSchema('DeletePointsBoostsResponse', response.body);
    assert.deepEqual(response.body.deleted.map((d: any) => d.id).sort(), [mine.id, everyone.id].sort());
    assert.deepEqual(response.body.issues.map((i: any) => i.message), ['Points boost not found by ID']);
    assert.deepEqual((await api('GET', path)).body, []);
    assert.equal(await configVersion(laurel, env.id), before + 2, "only the everyone boost's delete");
  });
});
