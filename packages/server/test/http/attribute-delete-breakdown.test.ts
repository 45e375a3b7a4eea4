import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { fixturesFor, unique, type Fixtures } from '../support/fixtures.js';

/**
 * DELETE /admin/v1/attributes refuses a user attribute that a leaderboard breaks its rankings down
 * by: 400 rule_broken naming the attribute and every board that uses it, and nothing deleted (not
 * even the other ids of the request). Once no board uses it, it goes.
 */
forEachBackend('deleting a breakdown attribute', (database) => {
  let laurel: TestLaurel;
  let env: Fixtures;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    env = await fixturesFor(laurel);
  });
  after(() => laurel.close());

  const attributeIds = async () =>
    (await laurel.backend.db.selectFrom('attributes').select('id').where('environment_id', '=', env.id).orderBy('id').execute()).map((row) => row.id);
  const remove = (ids: string[]) => env.request('DELETE', `/admin/v1/attributes?${ids.map((id) => `ids=${id}`).join('&')}`);

  test('refused with rule_broken naming the boards; nothing is deleted', async () => {
    const metric = await env.metric();
    const city = await env.attribute(unique('city'));
    const plan = await env.attribute(unique('plan'));
    const spare = await env.attribute(unique('spare'));
    const weekly = await env.leaderboard({ key: unique('weekly'), rankBy: 'metric', metricId: metric.id, breakdownAttributes: [city.id] });
    const monthly = await env.leaderboard({ key: unique('monthly'), rankBy: 'metric', metricId: metric.id, breakdownAttributes: [plan.id, city.id] });
    const before = await attributeIds();

    const refused = await remove([spare.id, city.id]);
    assertError(
      refused,
      400,
      new RegExp(`user attribute ${city.key} \\(${city.id}\\) is a breakdown attribute of leaderboards (${weekly.key}, ${monthly.key}|${monthly.key}, ${weekly.key})`),
      /nothing was deleted/,
    );
    assert.equal(refused.body.code, 'rule_broken');
    assert.doesNotMatch(refused.body.error, new RegExp(spare.id), 'an unused attribute is not named');
    assert.deepEqual(await attributeIds(), before, 'not even the unused attribute of the request was deleted');

    const both = await remove([plan.id, city.id]);
    assertError(both, 400, new RegExp(`${plan.key} \\(${plan.id}\\) is a breakdown attribute of leaderboard ${monthly.key};`), new RegExp(`${city.key} \\(${city.id}\\)`));
    assert.deepEqual(await attributeIds(), before);
  });

  test('an attribute no board breaks down by is deleted as before, and one freed from its boards can go', async () => {
    const metric = await env.metric();
    const region = await env.attribute(unique('region'));
    const board = await env.leaderboard({ key: unique('regional'), status: 'inactive', rankBy: 'metric', metricId: metric.id, breakdownAttributes: [region.id] });
    assertError(await remove([region.id]), 400, new RegExp(board.key));

    await env.update('/admin/v1/leaderboards', { id: board.id, breakdownAttributes: [] });
    const deleted = await remove([region.id]);
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.deepEqual(deleted.body, { deleted: [{ id: region.id }], issues: [] });
    assert.ok(!(await attributeIds()).includes(region.id));
  });
});
