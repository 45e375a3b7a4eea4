import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { request, setUpOwner } from '../console/console.js';
import { developmentFixtures, UNKNOWN_ID } from '../support/fixtures.js';

/**
 * The Admin API's 404s name the environment searched, as the Application API's do: things made in
 * development, asked for with the production key (or a dashboard session choosing production),
 * are not found "in environment production", which says what is wrong rather than suggesting a typo.
 */
forEachBackend('Admin API: 404s name the environment', (database) => {
  let laurel: TestLaurel;
  const inProduction = /\(looked in environment "production", kind production, the environment of this API key\)$/;
  let ids: { metric: string; attribute: string; achievement: string; webhook: string; board: string; system: string };

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    const dev = await developmentFixtures(laurel);
    const metric = await dev.metric({ key: 'lessons' });
    const attribute = await dev.attribute('city');
    const achievement = await dev.achievement({ key: 'onboarded' });
    const board = await dev.leaderboard({ key: 'weekly', rankBy: 'metric', metricId: metric.id });
    const system = await dev.pointsSystem({ key: 'xp' });
    const webhook = await dev.request('POST', '/admin/v1/webhooks', [{ name: 'Hook', url: 'https://example.com/hook', events: ['achievement.completed'] }]);
    assert.equal(webhook.status, 201, JSON.stringify(webhook.body));
    ids = { metric: metric.id, attribute: attribute.id, achievement: achievement.id, webhook: webhook.body.created[0].id, board: board.id, system: system.id };
  });
  after(() => laurel.close());

  test('every get by id of another environment: 404 not_found naming the key\'s environment', async () => {
    const production = { key: laurel.keys.production };
    const lookups: [string, RegExp][] = [
      [`/admin/v1/metrics/${ids.metric}`, new RegExp(`^Metric not found: ${ids.metric} `)],
      [`/admin/v1/attributes/${ids.attribute}`, new RegExp(`^Attribute not found: ${ids.attribute} `)],
      [`/admin/v1/achievements/${ids.achievement}`, new RegExp(`^Achievement not found: ${ids.achievement} `)],
      [`/admin/v1/webhooks/${ids.webhook}`, new RegExp(`^Webhook not found: ${ids.webhook} `)],
      [`/admin/v1/leaderboards/${ids.board}`, new RegExp(`^Leaderboard not found: ${ids.board} `)],
      [`/admin/v1/points/${ids.system}`, new RegExp(`^Points system not found: ${ids.system} `)],
    ];
    for (const [path, what] of lookups) {
      assert.equal((await laurel.api('GET', path)).status, 200, `${path} exists in development`);
      const response = await laurel.api('GET', path, production);
      assertError(response, 404, what, inProduction);
      assert.equal(response.body.code, 'not_found');
    }
  });

  test('a truly unknown id names the environment too, and a dashboard session names X-Laurel-Environment', async () => {
    assertError(await laurel.api('GET', `/admin/v1/metrics/${UNKNOWN_ID}`), 404, new RegExp(`^Metric not found: ${UNKNOWN_ID} \\(looked in environment "development", kind development, the environment of this API key\\)$`));
    const browser = await setUpOwner(laurel);
    const response = await request(laurel, 'GET', `/admin/v1/webhooks/${ids.webhook}`, { as: browser, environment: 'production' });
    assertError(response, 404, new RegExp(`^Webhook not found: ${ids.webhook} \\(looked in environment "production", kind production, the one X-Laurel-Environment names\\)$`));
  });

  test('a write naming another environment\'s points system says the same, and writes nothing', async () => {
    const before = await laurel.backend.db.selectFrom('points_triggers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const response = await laurel.api('POST', `/admin/v1/points/${ids.system}/triggers`, { key: laurel.keys.production, body: [{ type: 'user_creation', points: 1 }] });
    assertError(response, 404, new RegExp(`^Points system not found: ${ids.system} `), inProduction);
    const after = await laurel.backend.db.selectFrom('points_triggers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n), Number(before.n));
  });
});
