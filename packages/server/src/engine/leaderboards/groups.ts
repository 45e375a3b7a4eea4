import { Ranking } from './ranking.js';
import type { Entry, FieldError, RankChange } from './types.js';

/**
 * Breakdown groups. A board with breakdown attributes ranks each combination of the users' values
 * separately, with its own maxParticipants cap and threshold. A group is named by a key: the JSON
 * array of the user's values in the board's attribute order (`["London","pro"]`; `[]` for a board
 * without breakdowns, its one group).
 *
 * A user who lacks a value for any breakdown attribute is in no group and is not ranked on that
 * board (no group could be asked for with `userAttributes`); their score is still kept, and they
 * enter a group on their next change after the attribute is set.
 */
export function groupKey(breakdownAttributes: readonly string[], attributes: Readonly<Record<string, string>>): string | null {
  const values: string[] = [];
  for (const key of breakdownAttributes) {
    const value = attributes[key];
    if (value === undefined) return null;
    values.push(value);
  }
  return JSON.stringify(values);
}

/** A group's values as `breakdownAttributeValues` shows them. */
export function groupValues(breakdownAttributes: readonly string[], group: string): { key: string; value: string }[] {
  const values = JSON.parse(group) as string[];
  return breakdownAttributes.map((key, i) => ({ key, value: values[i] as string }));
}

/**
 * The group a `userAttributes=k:v[,k2:v2]` query asks for (repeated parameters are joined). On a
 * board with breakdowns it must name every breakdown attribute exactly once, and nothing else;
 * on a board without breakdowns it must be absent. A value runs from the first colon to the next
 * comma, so it may contain colons but not commas.
 */
export function groupForQuery(
  breakdownAttributes: readonly string[],
  query: string | readonly string[] | undefined,
): { group: string; error?: never } | { group?: never; error: FieldError } {
  const fail = (message: string) => ({ error: { field: 'userAttributes', message } });
  const text = typeof query === 'string' ? query : query?.join(',');
  if (breakdownAttributes.length === 0) {
    return text === undefined ? { group: JSON.stringify([]) } : fail('userAttributes is only valid for leaderboards with breakdown attributes');
  }
  if (text === undefined || text === '') {
    return fail(`userAttributes is required for this leaderboard: give ${breakdownAttributes.map((k) => `${k}:value`).join(',')}`);
  }
  const given = new Map<string, string>();
  for (const pair of text.split(',')) {
    const colon = pair.indexOf(':');
    const key = colon < 0 ? pair : pair.slice(0, colon);
    const value = colon < 0 ? '' : pair.slice(colon + 1);
    if (key === '' || value === '') return fail(`"${pair}" is not key:value`);
    if (!breakdownAttributes.includes(key)) return fail(`${key} is not a breakdown attribute of this leaderboard`);
    if (given.has(key)) return fail(`${key} is given twice`);
    given.set(key, value);
  }
  const missing = breakdownAttributes.filter((key) => !given.has(key));
  if (missing.length > 0) return fail(`userAttributes must also give ${missing.join(', ')}`);
  return { group: JSON.stringify(breakdownAttributes.map((key) => given.get(key) as string)) };
}

/** A change across groups: the user's own (previousRank from the group they left, if they moved) and everyone else's. */
export interface GroupedUpdate {
  user: RankChange;
  /** The group the user is in now; null when in none. */
  group: string | null;
  others: (RankChange & { group: string })[];
}

/**
 * The rankings of one run of a board, one per group. A user is a member of at most one group:
 * when their group changes (an attribute changed), they leave the old one, whose lower members
 * move up, and join the new one with their current value as any newcomer does.
 */
export class GroupedRankings {
  readonly #groups = new Map<string, Ranking>();
  readonly #groupOf = new Map<string, string>();

  constructor(readonly maxParticipants: number) {}

  /** Adds a stored group with a full ranking (for a run's state read back from storage). */
  load(group: string, entries: Iterable<Entry>): Ranking {
    const ranking = new Ranking(this.maxParticipants, entries);
    const old = this.#groups.get(group);
    for (const e of old?.list() ?? []) this.#groupOf.delete(e.userId);
    for (const e of ranking.list()) this.#groupOf.set(e.userId, group);
    this.#groups.set(group, ranking);
    return ranking;
  }

  /** A group's ranking (empty when nobody is in it). */
  group(group: string): Ranking {
    return this.#groups.get(group) ?? new Ranking(this.maxParticipants);
  }

  groupOf(userId: string): string | null {
    return this.#groupOf.get(userId) ?? null;
  }

  /** Applies a user's new value in their current group (null: in none). */
  update(group: string | null, entry: Entry): GroupedUpdate {
    const others: (RankChange & { group: string })[] = [];
    const from = this.#groupOf.get(entry.userId) ?? null;
    let left: RankChange | null = null;
    if (from !== null && from !== group) {
      const removed = (this.#groups.get(from) as Ranking).remove(entry.userId);
      this.#groupOf.delete(entry.userId);
      left = removed.user;
      for (const o of removed.others) others.push({ ...o, group: from });
    }
    if (group === null) {
      const user = left ?? { userId: entry.userId, previousRank: null, rank: null, previousValue: null, value: null };
      return { user, group: null, others };
    }
    let ranking = this.#groups.get(group);
    if (ranking === undefined) {
      ranking = new Ranking(this.maxParticipants);
      this.#groups.set(group, ranking);
    }
    const joined = ranking.update(entry);
    if (joined.user.rank === null) this.#groupOf.delete(entry.userId);
    else this.#groupOf.set(entry.userId, group);
    for (const o of joined.others) {
      if (o.rank === null) this.#groupOf.delete(o.userId);
      others.push({ ...o, group });
    }
    const user = left === null ? joined.user : { ...joined.user, previousRank: left.previousRank, previousValue: left.previousValue };
    return { user, group: joined.user.rank === null ? null : group, others };
  }
}
