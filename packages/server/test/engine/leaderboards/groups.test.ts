import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupedRankings, groupForQuery, groupKey, groupValues } from '../../../src/engine/leaderboards/index.js';
import { change, entry, NaiveBoard, random } from './helpers.js';

describe('groupKey and groupValues', () => {
  it('the user’s values in the board’s attribute order; a board without breakdowns has one group', () => {
    assert.equal(groupKey(['city', 'plan'], { plan: 'pro', city: 'London', other: 'x' }), '["London","pro"]');
    assert.equal(groupKey(['plan', 'city'], { plan: 'pro', city: 'London' }), '["pro","London"]');
    assert.equal(groupKey([], { city: 'London' }), '[]');
    assert.deepEqual(groupValues(['city', 'plan'], '["London","pro"]'), [
      { key: 'city', value: 'London' },
      { key: 'plan', value: 'pro' },
    ]);
  });

  it('a user missing a breakdown attribute is in no group', () => {
    assert.equal(groupKey(['city', 'plan'], { city: 'London' }), null);
  });

  it('values with quotes, commas or colons stay distinct', () => {
    assert.notEqual(groupKey(['a', 'b'], { a: 'x","y', b: 'z' }), groupKey(['a', 'b'], { a: 'x', b: 'y","z' }));
  });
});

describe('groupForQuery (userAttributes=k:v[,k2:v2])', () => {
  const breakdown = ['city', 'plan'];
  it('names the group when every breakdown attribute is given once, in any order', () => {
    assert.deepEqual(groupForQuery(breakdown, 'plan:pro,city:London'), { group: '["London","pro"]' });
    assert.deepEqual(groupForQuery(breakdown, ['city:London', 'plan:pro']), { group: '["London","pro"]' }, 'repeated parameters');
    assert.deepEqual(groupForQuery(['url'], 'url:https://example.com'), { group: '["https://example.com"]' }, 'a value may hold colons');
    assert.deepEqual(groupForQuery([], undefined), { group: '[]' });
  });

  it('refuses, naming userAttributes, what does not name exactly one group', () => {
    const table: [string[], string | undefined, RegExp][] = [
      [breakdown, undefined, /required/],
      [breakdown, '', /required/],
      [breakdown, 'city:London', /also give plan/],
      [breakdown, 'city:London,plan:pro,country:UK', /country is not a breakdown attribute/],
      [breakdown, 'city:London,city:Paris,plan:pro', /city is given twice/],
      [breakdown, 'city:,plan:pro', /not key:value/],
      [breakdown, 'city', /not key:value/],
      [breakdown, ':x', /not key:value/],
      [[], 'city:London', /only valid for leaderboards with breakdown attributes/],
    ];
    for (const [attributes, query, message] of table) {
      const result = groupForQuery(attributes, query);
      assert.equal(result.error?.field, 'userAttributes', String(query));
      assert.match(result.error?.message ?? '', message, String(query));
    }
  });
});

describe('GroupedRankings', () => {
  const london = '["London"]';
  const paris = '["Paris"]';

  it('the cap and the threshold apply per group', () => {
    const board = new GroupedRankings(2);
    board.update(london, entry('l1', 10, 1));
    board.update(london, entry('l2', 20, 2));
    board.update(paris, entry('p1', 1, 3));
    assert.equal(board.group(london).threshold(), 10);
    assert.equal(board.group(paris).threshold(), 0, 'Paris has room');
    // 5 would not enter London, but Paris has room.
    assert.equal(board.update(paris, entry('p2', 5, 4)).user.rank, 1);
    assert.equal(board.update(london, entry('l3', 5, 5)).user.rank, null);
    assert.deepEqual(board.update(london, entry('l3', 11, 6)), {
      user: change('l3', null, 2, null, 11),
      group: london,
      others: [{ ...change('l1', 2, null, 10, null), group: london }],
    });
    assert.equal(board.groupOf('l1'), null);
    assert.equal(board.groupOf('l3'), london);
  });

  it('a user whose attribute changes leaves the old group (its members move up) and joins the new one as a newcomer', () => {
    const board = new GroupedRankings(2);
    board.load(london, [entry('a', 30, 1), entry('b', 20, 2)]);
    board.load(paris, [entry('c', 50, 3), entry('d', 40, 4)]);
    // a (30) cannot beat Paris's lowest (40): a leaves London and is ranked nowhere.
    assert.deepEqual(board.update(paris, entry('a', 30, 1)), {
      user: change('a', 1, null, 30, null),
      group: null,
      others: [{ ...change('b', 2, 1, 20, 20), group: london }],
    });
    // With 45 a enters Paris, evicting d.
    assert.deepEqual(board.update(paris, entry('a', 45, 9)), {
      user: change('a', null, 2, null, 45),
      group: paris,
      others: [{ ...change('d', 2, null, 40, null), group: paris }],
    });
    // b loses an attribute: in no group.
    assert.deepEqual(board.update(null, entry('b', 20, 2)), {
      user: change('b', 1, null, 20, null),
      group: null,
      others: [],
    });
    assert.deepEqual(board.group(london).list(), []);
    assert.deepEqual(board.group(paris).list().map((r) => r.userId), ['c', 'a']);
  });

  it('load replaces a group and its members’ membership', () => {
    const board = new GroupedRankings(5);
    board.load(london, [entry('a', 3), entry('b', 2)]);
    board.load(london, [entry('b', 2)]);
    assert.equal(board.groupOf('a'), null);
    assert.equal(board.groupOf('b'), london);
  });
});

describe('GroupedRankings against one naive board per group (seeded random changes and moves)', () => {
  it('the same members, ranks and reports', () => {
    const rng = random(7);
    const cap = 4;
    const groups = ['["A"]', '["B"]', '["C"]'];
    const board = new GroupedRankings(cap);
    const naive = new Map(groups.map((g) => [g, new NaiveBoard(cap)]));
    const values = new Map<string, number>();
    const groupOfUser = new Map<string, string | null>();
    for (let step = 0; step < 3000; step++) {
      const userId = `user-${rng.int(25)}`;
      // Now and then a user's attribute changes (or goes missing).
      if (!groupOfUser.has(userId) || rng.int(8) === 0) groupOfUser.set(userId, rng.int(6) === 0 ? null : (groups[rng.int(3)] as string));
      const group = groupOfUser.get(userId) as string | null;
      const old = values.get(userId) ?? 0;
      const roll = rng.int(10);
      const value = roll < 6 ? old + 1 + rng.int(4) : roll < 9 ? old - 1 - rng.int(3) : 0;
      values.set(userId, value);
      const next = entry(userId, value, step);

      // The naive way: leave the board the user is on if it is another, then apply in the new one.
      const from = [...naive].find(([, b]) => b.members.has(userId))?.[0] ?? null;
      let left = null;
      if (from !== null && from !== group) {
        left = (naive.get(from) as NaiveBoard).apply(entry(userId, 0, step));
      }
      const joined = group === null ? null : (naive.get(group) as NaiveBoard).apply(next);

      const got = board.update(group, next);
      const label = `step ${step}: ${JSON.stringify({ group, next })}`;
      assert.equal(got.user.rank, joined?.user.rank ?? null, label);
      assert.equal(got.user.previousRank, left?.user.previousRank ?? joined?.user.previousRank ?? null, label);
      assert.equal(got.group, got.user.rank === null ? null : group, label);
      const expectedOthers = [
        ...(left?.others.map((o) => ({ ...o, group: from as string })) ?? []),
        ...(joined?.others.map((o) => ({ ...o, group: group as string })) ?? []),
      ];
      assert.deepEqual(got.others, expectedOthers, label);
      for (const g of groups) {
        const expected = (naive.get(g) as NaiveBoard).sorted().map((e, i) => ({ userId: e.userId, rank: i + 1, value: e.value }));
        assert.deepEqual(board.group(g).list(), expected, `${label} group ${g}`);
      }
    }
  });
});
