import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { ConfigCache } from '../../src/environments/config-cache.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { findUser } from '../../src/users/user-store.js';
import { forEachBackend } from '../support/backends.js';
import { fixturesFor } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

const NOW = Date.UTC(2026, 2, 11, 12);

forEachBackend('pipeline: time ticks', (database) => {
  let laurel: TestLaurel;
  const clock = new ManualClock(NOW);

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
  });
  after(() => laurel.close());

  test('a time_tick change awards its due time triggers through the points stage, capped at maxPoints, and points boards follow', async () => {
    const f = await fixturesFor(laurel);
    const energy = await f.pointsSystem({ key: 'energy', maxPoints: 5, triggers: [{ type: 'time', points: 1, timeUnit: 'hours', timeInterval: 4, status: 'active' }] });
    const triggerId = energy.triggers[0].id;
    await f.leaderboard({ key: 'energy-board', rankBy: 'points', pointsSystemId: energy.id });
    await f.user({ id: 'sleeper' });
    const tick = (count: number) =>
      laurel.backend.db.transaction().execute(async (trx) => {
        const user = (await findUser(trx, f.env.id, 'sleeper', laurel.backend.supportsSkipLocked))!;
        const config = await new ConfigCache().get(trx, f.env.id);
        const ticks = new Map([[energy.id, [{ triggerId, count }]]]);
        return runPipeline(trx, { outbox: laurel.outbox }, { environmentId: f.env.id, user, userCreated: false, tzChanged: false, change: { kind: 'time_tick', ticks }, config, now: clock.now() });
      });
    const first = await tick(3);
    assert.deepEqual(first.points.systems.map((s) => [s.total, s.added, s.awards.map((a) => a.awarded)]), [[3, 3, [3]]]);
    const second = await tick(4);
    assert.deepEqual(second.points.systems.map((s) => [s.total, s.added]), [[5, 2]], 'refills to the cap, not beyond');
    assert.deepEqual((await tick(1)).points.systems, [], 'a full tank: nothing to award');
    const board = await laurel.api('GET', '/v1/leaderboards/energy-board', { key: f.env.key });
    assert.deepEqual(board.body.rankings.map((r: any) => [r.userId, r.value]), [['sleeper', 5]]);
  });
});
