import type { Entry, LeaderboardConfig, RankChange, RankingUpdate, RunSettings } from '../../../src/engine/leaderboards/index.js';

/** A metric board, live, perpetual from 2026-01-01, every rule at its default. */
export function board(overrides: Partial<LeaderboardConfig> = {}): LeaderboardConfig {
  return {
    key: 'words',
    status: 'active',
    rankBy: 'metric',
    metricId: 'metric-words',
    pointsSystemId: null,
    maxParticipants: 1000,
    start: '2026-01-01',
    end: null,
    startTime: null,
    endTime: null,
    breakdownAttributes: [],
    runUnit: null,
    runInterval: null,
    ...overrides,
  };
}

export function runs(start: string, runUnit: RunSettings['runUnit'], runInterval: number | null, end: string | null = null): RunSettings {
  return { start, end, runUnit, runInterval };
}

export const at = (iso: string): number => Date.parse(iso);

export const entry = (userId: string, value: number, reachedAt = 0): Entry => ({ userId, value, reachedAt });

/** A small seeded generator (mulberry32), so random tests replay the same cases. */
export function random(seed: number): { next(): number; int(below: number): number } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (below: number) => Math.floor(next() * below) };
}

type Rank = number | null;
export const change = (userId: string, previousRank: Rank, rank: Rank, previousValue: Rank, value: Rank): RankChange => ({
  userId,
  previousRank,
  rank,
  previousValue,
  value,
});

/** The order written out independently of compareEntries. */
export function byRank(a: Entry, b: Entry): number {
  if (a.value !== b.value) return a.value > b.value ? -1 : 1;
  if (a.reachedAt !== b.reachedAt) return a.reachedAt < b.reachedAt ? -1 : 1;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

/** The membership rules done the slow way: a map of members, fully sorted before and after each change. */
export class NaiveBoard {
  readonly members = new Map<string, Entry>();
  constructor(readonly cap: number) {}

  sorted(): Entry[] {
    return [...this.members.values()].sort(byRank);
  }

  ranks(): Map<string, number> {
    return new Map(this.sorted().map((e, i) => [e.userId, i + 1]));
  }

  apply(next: Entry): RankingUpdate {
    const before = this.ranks();
    const beforeValues = new Map([...this.members].map(([id, e]) => [id, e.value]));
    const member = this.members.has(next.userId);
    if (next.value <= 0) this.members.delete(next.userId);
    else if (member || this.members.size < this.cap) this.members.set(next.userId, next);
    else {
      const lowest = this.sorted()[this.members.size - 1] as Entry;
      if (next.value > lowest.value) {
        this.members.delete(lowest.userId);
        this.members.set(next.userId, next);
      }
    }
    const after = this.ranks();
    const others: RankChange[] = [];
    for (const id of new Set([...before.keys(), ...after.keys()])) {
      if (id === next.userId || before.get(id) === after.get(id)) continue;
      const value = beforeValues.get(id) as number;
      others.push(change(id, before.get(id) ?? null, after.get(id) ?? null, value, after.has(id) ? value : null));
    }
    others.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
    const rank = after.get(next.userId) ?? null;
    const user = change(next.userId, before.get(next.userId) ?? null, rank, beforeValues.get(next.userId) ?? null, rank === null ? null : next.value);
    return { user, others };
  }
}
