import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { createFixtureEnvironment, type FixtureEnvironment } from '../support/fixtures.js';
import { adminSchemaValidator } from '../support/reference-schemas.js';

const ACHIEVEMENTS = '/admin/v1/achievements';
/** Fields Laurel adds to Trophy's AdminAchievement on purpose (docs/api.md, extensions). */
const EXTENSIONS = /\/(key|badgeUrl|metricName|eventAttribute|created|updated|value)( |$)/;

/**
 * Trophy's admin achievements (spec 1.24.0) as a Trophy client calls them: filters by attribute
 * id, `badge`, no key except on `api` achievements, null clearing on update; every answer valid
 * against the 1.24.0 document apart from Laurel's documented extensions.
 */
forEachBackend('admin achievements in Trophy shape', (database) => {
  let laurel: TestLaurel;
  let env: FixtureEnvironment;
  let metricId: string;
  let planId: string;
  let sourceId: string;

  function valid(schema: string, body: unknown): void {
    const validate = adminSchemaValidator(schema);
    if (!validate) return;
    const problems = validate(body).filter((problem) => !(problem.includes('is not defined by the reference schema') && EXTENSIONS.test(problem)));
    assert.deepEqual(problems, [], schema);
  }

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url });
    env = await createFixtureEnvironment(laurel.backend.db, laurel.clock.now());
    const metric = await laurel.api('POST', '/admin/v1/metrics', { key: env.key, body: [{ key: 'words', name: 'Words' }] });
    metricId = metric.body.created[0].id;
    const attributes = await laurel.api('POST', '/admin/v1/attributes', {
      key: env.key,
      body: [
        { key: 'plan', name: 'Plan', type: 'user' },
        { key: 'source', name: 'Source', type: 'event' },
      ],
    });
    assert.equal(attributes.status, 201, JSON.stringify(attributes.body));
    [planId, sourceId] = attributes.body.created.map((a: { id: string }) => a.id);
  });
  after(() => laurel.close());

  test('create, get and list with Trophy fields; a key is made for non-api achievements', async () => {
    const created = await laurel.api('POST', ACHIEVEMENTS, {
      key: env.key,
      body: [
        {
          name: 'Pro writer',
          trigger: 'metric',
          metricId,
          metricValue: 100,
          badge: { url: 'https://cdn.example.com/pro.png' },
          userAttributes: [{ attributeId: planId, attributeValue: 'pro' }],
          eventAttributes: [{ attributeId: sourceId, attributeValue: 'mobile' }],
        },
        { name: 'Pro writer', trigger: 'streak', streakLength: 7, status: 'active' },
        { name: 'Invite', trigger: 'api', key: 'invite' },
        { name: 'No key', trigger: 'api' },
        { name: 'Wrong filter', trigger: 'streak', streakLength: 2, userAttributes: [{ attributeId: sourceId, attributeValue: 'x' }] },
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    valid('CreateAchievementsResponse', created.body);
    const [metricOne, streakOne, apiOne] = created.body.created;
    assert.deepEqual(
      created.body.created.map((a: any) => [a.trigger, a.key, a.status]),
      [
        ['metric', 'pro-writer', 'inactive'],
        ['streak', 'pro-writer-2', 'active'],
        ['api', 'invite', 'inactive'],
      ],
    );
    assert.deepEqual(metricOne.badge, { url: 'https://cdn.example.com/pro.png' });
    assert.deepEqual(metricOne.userAttributes, [{ attributeId: planId, attributeValue: 'pro', key: 'plan', value: 'pro' }]);
    assert.deepEqual(metricOne.eventAttributes, [{ attributeId: sourceId, attributeValue: 'mobile', key: 'source', value: 'mobile' }]);
    assert.equal(streakOne.streakLength, 7);
    assert.deepEqual(
      created.body.issues.map((i: any) => [i.index, i.message]),
      [
        [3, 'key is required for an api achievement'],
        [4, `userAttributes[0].attributeId: ${sourceId} is not a user attribute of this environment`],
      ],
    );

    const got = await laurel.api('GET', `${ACHIEVEMENTS}/${metricOne.id}`, { key: env.key });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, metricOne);
    valid('AdminAchievement', got.body);
    const list = await laurel.api('GET', `${ACHIEVEMENTS}?limit=2&skip=1`, { key: env.key });
    assert.deepEqual(list.body.map((a: any) => a.id), [streakOne.id, apiOne.id]);
    valid('ListAchievementsResponse', list.body);
    assert.equal((await laurel.api('GET', `${ACHIEVEMENTS}/3b241101-e2bb-4255-8caf-4136c566a962`, { key: env.key })).status, 404);
  });

  test('update: only the fields sent change; null clears description, badge and filters; delete by ids', async () => {
    const [achievement] = (
      await laurel.api('POST', ACHIEVEMENTS, {
        key: env.key,
        body: [{ name: 'Clear me', trigger: 'metric', metricId, metricValue: 5, description: 'd', badge: { url: 'https://cdn.example.com/c.png' }, userAttributes: [{ attributeId: planId, attributeValue: 'pro' }] }],
      })
    ).body.created;
    const updated = await laurel.api('PATCH', ACHIEVEMENTS, {
      key: env.key,
      body: [
        { id: achievement.id, description: null, badge: null, userAttributes: null, eventAttributes: null, metricValue: 6 },
        { id: '3b241101-e2bb-4255-8caf-4136c566a962', name: 'ghost' },
      ],
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    valid('UpdateAchievementsResponse', updated.body);
    const [after] = updated.body.updated;
    assert.deepEqual([after.name, after.description, after.badge, after.badgeUrl, after.userAttributes, after.eventAttributes, after.metricValue], ['Clear me', null, null, null, [], [], 6]);
    assert.deepEqual(updated.body.issues, [{ id: '3b241101-e2bb-4255-8caf-4136c566a962', severity: 'error', message: 'Achievement not found by ID' }]);

    const deleted = await laurel.api('DELETE', `${ACHIEVEMENTS}?ids=${achievement.id}&ids=not-a-known-id`, { key: env.key });
    assert.equal(deleted.status, 200);
    valid('DeleteAchievementsResponse', deleted.body);
    assert.deepEqual(deleted.body.deleted, [{ id: achievement.id }]);
    assert.equal(deleted.body.issues.length, 1);
    assert.equal((await laurel.api('GET', `${ACHIEVEMENTS}/${achievement.id}`, { key: env.key })).status, 404);
  });
});
