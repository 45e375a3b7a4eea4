import type { Kysely } from 'kysely';
import {
  addToScore,
  compareEntries,
  countingRun,
  groupKey,
  placement,
  ranksOn,
  runContaining,
  snapshotRow,
  streakScore,
  toEntry,
  type Entry,
  type RankChange,
  type Run,
} from '../../engine/leaderboards/index.js';
import { localDate } from '../../engine/streaks/index.js';
import { groupId } from '../../leaderboards/group-id.js';
import type { Leaderboard } from '../../leaderboards/leaderboard.js';
import { readStanding } from '../../leaderboards/ranking-reads.js';
import {
  countAhead,
  deleteMember,
  ensureGroup,
  latestHistory,
  lockRun,
  readGroupStats,
  readPlaces,
  readScore,
  saveHistory,
  saveMember,
  saveScore,
  type StoredScore,
} from '../../leaderboards/scores-store.js';
import type { Schema, UserRow } from '../../store/schema.js';
import { currentLength } from '../../streaks/user-streak.js';
import type { PipelineInput } from '../change.js';
import { nothing, type Stage, type StateWrite } from '../stage.js';
import type { PointsFacts } from './points-stage.js';
import type { StreakFacts } from './streak-stage.js';

/** What one write did on one board. */
export interface BoardChange {
  board: Leaderboard;
  /** The run the write counted in. */
  run: Run;
  /** The user's breakdown group (engine groupKey); null when they lack a breakdown attribute. */
  groupKey: string | null;
  /** The user's own standing before and after. */
  user: RankChange;
  /** The other members whose rank moved, in their group (the user's, or the one they left). */
  others: RankChange[];
  /** What a newcomer must beat in the user's group now (0 while there is room). */
  threshold: number;
  /** A rank or a ranked value changed. */
  rankingsChanged: boolean;
}

export interface LeaderboardFacts {
  /** The boards the write counted on, in configuration order. */
  boards: BoardChange[];
  /** The other users whose rank moved, by id (their rank_changed webhooks and history need them). */
  othersById: ReadonlyMap<string, UserRow>;
}

const NONE: LeaderboardFacts = { boards: [], othersById: new Map() };

/** What a board is about to count: a metric event's value, the points awarded, the streak's new length. */
type Counted = { board: Leaderboard; rankBy: 'metric' | 'points'; amount: number } | { board: Leaderboard; rankBy: 'streak'; length: number };

/**
 * The last stage: leaderboards. Each live board that ranks what this write changed (the event's
 * metric, a points system that gained or lost points, the streak's length) counts it in the run
 * the user's local date and daily window put it in (engine countingRun), updates the user's score
 * and their place in their breakdown group by the engine's placement rule (a newcomer to a full
 * group must beat its lowest member, who leaves), and records the daily rank history of every user
 * whose standing moved. Every read is one statement over a primary key or the ranking index
 * (migration 0010), so a write costs the same on a board of a million scores.
 */
export const leaderboardStage: Stage<{ streak: StreakFacts; points: PointsFacts }, LeaderboardFacts> = {
  name: 'leaderboards',
  async run(trx, input, earlier) {
    const counted = countedBoards(input, earlier);
    if (counted.length === 0) return nothing(NONE);
    const writes: StateWrite[] = [];
    const boards: BoardChange[] = [];
    for (const item of counted) {
      const run = runOf(item, input);
      if (run === null) continue;
      boards.push(await updateBoard(trx, input, item, run, writes));
    }
    const othersById = await recordHistory(trx, input, boards, writes);
    return { facts: { boards, othersById }, writes, events: [] };
  },
};

function countedBoards(input: PipelineInput, { streak, points }: { streak: StreakFacts; points: PointsFacts }): Counted[] {
  const { change } = input;
  const added = new Map(points.systems.map((system) => [system.config.system.id, system.added]));
  const result: Counted[] = [];
  for (const board of input.config.leaderboards) {
    if (board.rankBy === 'metric' && change.kind === 'metric_event' && board.metricId === change.metric.id) {
      result.push({ board, rankBy: 'metric', amount: change.value });
    } else if (board.rankBy === 'points' && board.pointsSystemId !== null && (added.get(board.pointsSystemId) ?? 0) !== 0) {
      result.push({ board, rankBy: 'points', amount: added.get(board.pointsSystemId)! });
    } else if (board.rankBy === 'streak' && streak.lengthChanged && streak.streak) {
      result.push({ board, rankBy: 'streak', length: currentLength(streak.streak) });
    }
  }
  return result;
}

/**
 * The run a write counts in: metric and points boards count activity inside the board's dates and
 * daily window on the user's clock; a streak board follows the length whenever it ranks.
 */
function runOf(item: Counted, input: PipelineInput): Run | null {
  const { board } = item;
  if (item.rankBy !== 'streak') return countingRun(board, input.now, input.user.tz);
  const date = localDate(input.now, input.user.tz);
  return ranksOn(board, date) ? runContaining(board, date) : null;
}

async function updateBoard(trx: Kysely<Schema>, input: PipelineInput, item: Counted, run: Run, writes: StateWrite[]): Promise<BoardChange> {
  const { board } = item;
  const { user, now } = input;
  await lockRun(trx, board.id, run.start);
  // A user created by this write has no score and no place yet.
  const fresh = input.userCreated;
  const previous = fresh ? null : await readScore(trx, board.id, run.start, user.id);
  const key = groupKey(board.breakdownAttributes, JSON.parse(user.attributes) as Record<string, string>);
  const score: StoredScore = {
    ...(item.rankBy === 'streak' ? streakScore(previous, item.length, now) : addToScore(item.rankBy, previous, item.amount, now)),
    groupKey: key,
  };
  writes.push((w) => saveScore(w, board.id, run.start, user.id, score, now));

  const entry = toEntry(user.id, score);
  const standing = fresh ? null : await readStanding(trx, board.id, run.start, user.id);
  const target = key === null ? null : groupId(key);
  const others: RankChange[] = [];
  let member = standing;
  if (standing && standing.groupId !== target) {
    // An attribute changed: the user leaves their old group, whose lower members move up.
    writes.push((w) => deleteMember(w, board.id, run.start, user.id));
    const below = await readPlaces(trx, board.id, run.start, standing.groupId, standing.rank, board.maxParticipants);
    for (const place of below) others.push(shift(place, place.rank - 1));
    member = null;
  }

  let rank: number | null = null;
  let threshold = 0;
  if (target !== null) {
    const placed = await place(trx, board, run, target, key!, member, entry, writes);
    rank = placed.rank;
    threshold = placed.threshold;
    others.push(...placed.others);
  }
  const change: RankChange = { userId: user.id, previousRank: standing?.rank ?? null, rank, previousValue: standing?.value ?? null, value: rank === null ? null : entry.value };
  const rankingsChanged = others.length > 0 || change.previousRank !== change.rank || change.previousValue !== change.value;
  return { board, run, groupKey: key, user: change, others, threshold, rankingsChanged };
}

/**
 * The user's new place in group `target` (engine placement), the members it moves and the
 * threshold after it, all from the group as it is before the change: the new rank is 1 + the
 * members ahead, the members it passes are one page of the index, and the threshold follows from
 * the group's size and its two lowest members.
 */
async function place(
  trx: Kysely<Schema>,
  board: Leaderboard,
  run: Run,
  target: string,
  key: string,
  member: { rank: number } | null,
  entry: Entry,
  writes: StateWrite[],
): Promise<{ rank: number | null; others: RankChange[]; threshold: number }> {
  const max = board.maxParticipants;
  const stats = await readGroupStats(trx, board.id, run.start, target, max);
  const [lowest = null, secondLowest = null] = stats.lowest;
  const decision = placement({ size: stats.size, maxParticipants: max, lowest }, member !== null, entry);
  const page = (offset: number, limit: number) => readPlaces(trx, board.id, run.start, target, offset, limit);
  const thresholdOf = (size: number, last: Entry | null) => (size >= max && last !== null ? last.value : 0);
  const worse = (a: Entry | null, b: Entry): Entry => (a === null || compareEntries(b, a) > 0 ? b : a);
  // The group's lowest member other than the user.
  const lowestOther = lowest?.userId === entry.userId ? secondLowest : lowest;

  switch (decision) {
    case 'stay_out':
      return { rank: null, others: [], threshold: thresholdOf(stats.size, lowest) };
    case 'leave': {
      const from = member!.rank;
      writes.push((w) => deleteMember(w, board.id, run.start, entry.userId));
      const below = await page(from, stats.size - from);
      return { rank: null, others: below.map((p) => shift(p, p.rank - 1)), threshold: thresholdOf(stats.size - 1, lowestOther) };
    }
    case 'move': {
      const from = member!.rank;
      const to = (await countAhead(trx, board.id, run.start, target, entry)) + 1;
      writes.push((w) => saveMember(w, board.id, run.start, target, entry));
      const passed = to < from ? (await page(to - 1, from - to)).map((p) => shift(p, p.rank + 1)) : (await page(from, to - from)).map((p) => shift(p, p.rank - 1));
      return { rank: to, others: passed, threshold: thresholdOf(stats.size, worse(lowestOther, entry)) };
    }
    case 'enter':
    case 'enter_evicting_lowest': {
      const evicting = decision === 'enter_evicting_lowest';
      const to = (await countAhead(trx, board.id, run.start, target, entry)) + 1;
      // Everyone from the new place down moves one lower; an evicted lowest member leaves.
      const last = evicting ? stats.size - 1 : stats.size;
      const passed = (await page(to - 1, last - to + 1)).map((p) => shift(p, p.rank + 1));
      if (evicting) {
        const evicted = lowest!;
        writes.push((w) => deleteMember(w, board.id, run.start, evicted.userId));
        passed.push({ userId: evicted.userId, previousRank: stats.size, rank: null, previousValue: evicted.value, value: null });
      }
      if (!stats.named) writes.push((w) => ensureGroup(w, board.id, run.start, target, key));
      writes.push((w) => saveMember(w, board.id, run.start, target, entry));
      const size = evicting ? stats.size : stats.size + 1;
      return { rank: to, others: passed, threshold: thresholdOf(size, worse(evicting ? secondLowest : lowest, entry)) };
    }
  }
}

function shift(place: { userId: string; rank: number; value: number }, rank: number | null): RankChange {
  return { userId: place.userId, previousRank: place.rank, rank, previousValue: place.value, value: rank === null ? null : place.value };
}

/**
 * One history row per user, run and local date on which their standing changed (engine
 * snapshotRow): the user's, and those of the members they passed or pushed out, each on their own
 * local date. Returns the other users' rows, which their webhooks need too.
 */
async function recordHistory(trx: Kysely<Schema>, input: PipelineInput, boards: readonly BoardChange[], writes: StateWrite[]): Promise<Map<string, UserRow>> {
  const otherIds = [...new Set(boards.flatMap((b) => b.others.map((o) => o.userId)))];
  const othersById = new Map<string, UserRow>();
  if (otherIds.length > 0) {
    const rows = await trx.selectFrom('users').selectAll().where('environment_id', '=', input.environmentId).where('id', 'in', otherIds).execute();
    for (const row of rows) othersById.set(row.id, row);
  }
  for (const board of boards) {
    const moved = [board.user, ...board.others].filter((c) => c.previousRank !== c.rank || c.previousValue !== c.value);
    if (moved.length === 0) continue;
    const latest = input.userCreated && board.others.length === 0 ? new Map() : await latestHistory(trx, board.board.id, board.run.start, moved.map((c) => c.userId));
    const rows = moved.flatMap((c) => {
      const tz = c.userId === input.user.id ? input.user.tz : (othersById.get(c.userId)?.tz ?? null);
      const row = snapshotRow(latest.get(c.userId) ?? null, localDate(input.now, tz), c.rank, c.value);
      return row === null ? [] : [{ ...row, userId: c.userId }];
    });
    writes.push((w) => saveHistory(w, board.board.id, board.run.start, rows));
  }
  return othersById;
}
