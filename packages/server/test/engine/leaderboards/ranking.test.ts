import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { placement, Ranking, type Entry } from '../../../src/engine/leaderboards/index.js';
import { byRank, change, entry, NaiveBoard, random } from './helpers.js';

describe('ranking order', () => {
  it('higher value first; a tie to who reached it first; the same instant by user id; ranks 1..n', () => {
    const ranking = new Ranking(10, [entry('cy', 5, 300), entry('ana', 9, 500), entry('bo', 5, 100), entry('di', 5, 300)]);
    assert.deepEqual(ranking.list(), [
      { userId: 'ana', rank: 1, value: 9 },
      { userId: 'bo', rank: 2, value: 5 },
      { userId: 'cy', rank: 3, value: 5 },
      { userId: 'di', rank: 4, value: 5 },
    ]);
  });

  it('participants have a positive value; a full ranking keeps the first maxParticipants', () => {
    const ranking = new Ranking(2, [entry('a', 0), entry('b', -3), entry('c', 1, 5), entry('d', 7), entry('e', 1, 3)]);
    assert.deepEqual(ranking.list().map((r) => r.userId), ['d', 'e']);
    assert.equal(ranking.rankOf('c'), null);
    assert.equal(ranking.rankOf('a'), null);
    assert.deepEqual(ranking.entryOf('e'), entry('e', 1, 3));
  });

  it('refuses a user twice (stored state would be corrupt)', () => {
    assert.throws(() => new Ranking(5, [entry('a', 1), entry('a', 2)]), /twice/);
  });
});

describe('placement', () => {
  const full: { size: number; maxParticipants: number; lowest: Entry | null } = { size: 3, maxParticipants: 3, lowest: entry('low', 10) };
  it('a table of the membership rule', () => {
    const table: [typeof full, boolean, number, string][] = [
      [{ ...full, size: 2 }, false, 1, 'enter'],
      [full, false, 10, 'stay_out'],
      [full, false, 11, 'enter_evicting_lowest'],
      [full, true, 1, 'move'],
      [full, true, 0, 'leave'],
      [full, false, 0, 'stay_out'],
      [{ ...full, size: 0, lowest: null }, false, -2, 'stay_out'],
    ];
    for (const [group, member, value, expected] of table) {
      assert.equal(placement(group, member, entry('x', value, 99)), expected, `${JSON.stringify(group)} member=${member} value=${value}`);
    }
  });
});

describe('Ranking.update', () => {
  const start = () => new Ranking(4, [entry('a', 40, 1), entry('b', 30, 2), entry('c', 20, 3)]);

  it('a newcomer with room enters; those below move down one', () => {
    const ranking = start();
    assert.equal(ranking.threshold(), 0, 'not full');
    const update = ranking.update(entry('n', 25, 10));
    assert.deepEqual(update, { user: change('n', null, 3, null, 25), others: [change('c', 3, 4, 20, 20)] });
    assert.equal(ranking.threshold(), 20, 'full: the lowest value');
  });

  it('once full, a newcomer must beat the lowest value: a tie stays out, a higher value evicts the lowest', () => {
    const ranking = start();
    ranking.update(entry('d', 10, 4));
    assert.deepEqual(ranking.update(entry('n', 10, 20)), { user: change('n', null, null, null, null), others: [] });
    assert.equal(ranking.rankOf('n'), null);
    assert.deepEqual(ranking.update(entry('n', 11, 21)), {
      user: change('n', null, 4, null, 11),
      others: [change('d', 4, null, 10, null)],
    });
    assert.equal(ranking.threshold(), 11);
    assert.deepEqual(ranking.update(entry('m', 35, 22)), {
      user: change('m', null, 2, null, 35),
      others: [change('b', 2, 3, 30, 30), change('c', 3, 4, 20, 20), change('n', 4, null, 11, null)],
    });
  });

  it('moving up shifts the users passed down one; moving down shifts them up one; staying put reports nobody', () => {
    const ranking = start();
    assert.deepEqual(ranking.update(entry('c', 45, 10)), {
      user: change('c', 3, 1, 20, 45),
      others: [change('a', 1, 2, 40, 40), change('b', 2, 3, 30, 30)],
    });
    assert.deepEqual(ranking.update(entry('c', 25, 11)), {
      user: change('c', 1, 3, 45, 25),
      others: [change('a', 2, 1, 40, 40), change('b', 3, 2, 30, 30)],
    });
    assert.deepEqual(ranking.update(entry('c', 26, 12)), { user: change('c', 3, 3, 25, 26), others: [] });
  });

  it('a value of 0 or less leaves, and those below move up; remove does the same', () => {
    const ranking = start();
    assert.deepEqual(ranking.update(entry('a', 0, 10)), {
      user: change('a', 1, null, 40, null),
      others: [change('b', 2, 1, 30, 30), change('c', 3, 2, 20, 20)],
    });
    assert.deepEqual(ranking.remove('c'), { user: change('c', 2, null, 20, null), others: [] });
    assert.deepEqual(ranking.remove('zz'), { user: change('zz', null, null, null, null), others: [] });
    assert.deepEqual(ranking.list(), [{ userId: 'b', rank: 1, value: 30 }]);
  });

  it('a member who falls below a non-member keeps the place until that user next beats the lowest', () => {
    const ranking = new Ranking(2, [entry('a', 50, 1), entry('b', 40, 2)]);
    ranking.update(entry('out', 30, 3)); // full: 30 does not beat 40
    ranking.update(entry('b', 5, 4)); // b falls below out's 30 but stays
    assert.deepEqual(ranking.list().map((r) => r.userId), ['a', 'b']);
    assert.equal(ranking.threshold(), 5);
    assert.deepEqual(ranking.update(entry('out', 31, 5)).others, [change('b', 2, null, 5, null)]);
  });

  it('keeps its own copy of entries', () => {
    const ranking = new Ranking(3);
    const mine = entry('a', 5, 1);
    ranking.update(mine);
    mine.value = 500;
    assert.deepEqual(ranking.entryOf('a'), entry('a', 5, 1));
  });
});

describe('reads', () => {
  const ranking = new Ranking(1000, Array.from({ length: 25 }, (_, i) => entry(`u${String(i + 1).padStart(2, '0')}`, 100 - i, i)));
  it('page, rankOf, lowest, size', () => {
    assert.deepEqual(ranking.page(0, 2), [
      { userId: 'u01', rank: 1, value: 100 },
      { userId: 'u02', rank: 2, value: 99 },
    ]);
    assert.deepEqual(ranking.page(23, 10).map((r) => r.rank), [24, 25]);
    assert.deepEqual(ranking.page(30, 10), []);
    assert.equal(ranking.rankOf('u17'), 17);
    assert.equal(ranking.size, 25);
    assert.equal(ranking.full, false);
    assert.deepEqual(ranking.lowest, entry('u25', 76, 24));
  });
});

describe('incremental updates equal a full re-rank (seeded random changes)', () => {
  for (const [seed, cap, users] of [
    [1, 5, 12],
    [2, 20, 60],
    [3, 1, 4],
    [4, 50, 50],
    [5, 1000, 1400],
  ] as const) {
    it(`seed ${seed}: cap ${cap}, ${users} users, increases, decreases and drops`, () => {
      const rng = random(seed);
      const ranking = new Ranking(cap);
      const naive = new NaiveBoard(cap);
      const values = new Map<string, number>();
      const steps = users + (cap === 1000 ? 3000 : 1500);
      for (let step = 0; step < steps; step++) {
        // Everyone gains once first, which fills the board when there are more users than places.
        const userId = step < users ? `user-${step}` : `user-${rng.int(users)}`;
        const old = values.get(userId) ?? 0;
        const roll = step < users ? 0 : rng.int(10);
        // Mostly gains; some losses and drops to 0; small values so that ties are common.
        const value = roll < 6 ? old + 1 + rng.int(3) : roll < 9 ? old - 1 - rng.int(3) : 0;
        values.set(userId, value);
        // Equal instants for some steps, to exercise the user-id tie-break.
        const reachedAt = Math.floor(step / 3);
        const next = entry(userId, value, reachedAt);
        assert.deepEqual(ranking.update(next), naive.apply(next), `step ${step}: ${JSON.stringify(next)}`);
        if (step % 97 === 0 || step === steps - 1) {
          const expected = naive.sorted().map((e, i) => ({ userId: e.userId, rank: i + 1, value: e.value }));
          assert.deepEqual(ranking.list(), expected, `step ${step}`);
          const full = naive.members.size >= cap;
          assert.equal(ranking.threshold(), full ? (naive.sorted()[cap - 1] as Entry).value : 0);
          // Rebuilding from the stored members gives the same ranking.
          const rebuilt = new Ranking(cap, [...naive.members.values()]);
          assert.deepEqual(rebuilt.list(), ranking.list());
        }
      }
    });
  }

  it('when values only rise, the members are exactly the first maxParticipants of all users', () => {
    const rng = random(99);
    const cap = 30;
    const ranking = new Ranking(cap);
    const everyone = new Map<string, Entry>();
    for (let step = 1; step <= 4000; step++) {
      const userId = `user-${rng.int(200)}`;
      const next = entry(userId, (everyone.get(userId)?.value ?? 0) + 1 + rng.int(5), step); // distinct instants
      everyone.set(userId, next);
      ranking.update(next);
      if (step % 50 === 0) {
        const top = [...everyone.values()].sort(byRank).slice(0, cap);
        assert.deepEqual(ranking.list(), top.map((e, i) => ({ userId: e.userId, rank: i + 1, value: e.value })), `step ${step}`);
      }
    }
  });
});
