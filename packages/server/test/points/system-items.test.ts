import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { POINTS, UNKNOWN_ID, fixturesFor, unique, type Fixtures } from '../support/fixtures.js';
import { assertError } from '../support/assert-error.js';

const NOW = Date.UTC(2026, 2, 11, 12);

/**
 * What levels and boosts share (points/system-items.ts), checked on both collections alike: a
 * PATCH applies an id's first change only and reports the repeat, at the index it had; a DELETE
 * reports ids it did not find and deletes the rest; an unknown system is a 404 that writes nothing.
 */
forEachBackend('points levels and boosts: the writes they share', (database) => {
  let laurel: TestLaurel;
  let env: Fixtures;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], clock: new ManualClock(NOW) });
    env = await fixturesFor(laurel);
  });
  after(() => laurel.close());

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => laurel.api(method, path, { key: env.key, ...(body === undefined ? {} : { body }) });
  const collections = [
    { what: 'levels', item: (n: number) => ({ name: `Level ${n}`, key: `level-${n}`, points: n * 10 }), notFound: 'Level not found by ID' },
    { what: 'boosts', item: (n: number) => ({ name: `Boost ${n}`, start: '2026-03-01', multiplier: 1 + n }), notFound: 'Points boost not found by ID' },
  ] as const;

  for (const { what, item, notFound } of collections) {
    test(`${what}: the first change of an id wins, a repeat is an issue; delete reports unknown ids`, async () => {
      const system = await env.pointsSystem({ key: unique('xp') });
      const path = `${POINTS}/${system.id}/${what}`;
      const [a, b] = await env.pointsItems(system.id, what, [item(1), item(2)]);

      const patched = await api('PATCH', path, [
        { id: a.id, name: 'First' },
        { id: b.id, name: 'Other' },
        { id: a.id, name: 'Second' },
      ]);
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.deepEqual(patched.body.updated.map((x: any) => [x.id, x.name]), [[a.id, 'First'], [b.id, 'Other']]);
      assert.deepEqual(patched.body.issues, [{ id: a.id, severity: 'error', message: 'ID appears more than once in this request; only its first change was applied' }]);
      assert.equal((await api('GET', `${path}/${a.id}`)).body.name, 'First');

      const deleted = await api('DELETE', `${path}?ids=${a.id}&ids=${UNKNOWN_ID}&ids=${a.id}`);
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
      assert.deepEqual(deleted.body, { deleted: [{ id: a.id }], issues: [{ id: UNKNOWN_ID, severity: 'error', message: notFound }] });
      assert.deepEqual((await api('GET', path)).body.map((x: any) => x.id), [b.id]);
    });

    test(`${what}: a system that does not exist is a 404 for create, update and delete, and nothing is written`, async () => {
      const table = what === 'levels' ? 'points_levels' : 'points_boosts';
      const count = async () => Number((await laurel.backend.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const path = `${POINTS}/${UNKNOWN_ID}/${what}`;
      assertError(await api('POST', path, [item(3)]), 404, /Points system not found/);
      assertError(await api('PATCH', path, [{ id: UNKNOWN_ID, name: 'x' }]), 404, /Points system not found/);
      assertError(await api('DELETE', `${path}?ids=${UNKNOWN_ID}`), 404, /Points system not found/);
      assert.equal(await count(), before);
    });
  }

  test('deleting a boost takes its lifecycle jobs off the schedule', async () => {
    const system = await env.pointsSystem({ key: unique('xp') });
    const [boost] = await env.pointsItems(system.id, 'boosts', [{ name: 'Later', start: '2026-04-01', end: '2026-04-30', multiplier: 2 }]);
    const jobs = () => laurel.backend.db.selectFrom('scheduled_jobs').select('kind').where('environment_id', '=', env.id).where('subject', '=', boost.id).execute();
    assert.ok((await jobs()).length > 0, 'the boost is scheduled to start');
    const deleted = await api('DELETE', `${POINTS}/${system.id}/boosts?ids=${boost.id}`);
    assert.deepEqual(deleted.body, { deleted: [{ id: boost.id }], issues: [] });
    assert.deepEqual(await jobs(), []);
  });
}
);
