import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Entry, HistoryRow, RankedEntry, RunScore } from '../engine/leaderboards/index.js';
import { prepared, preparedRows } from '../store/prepared.js';
import type { Schema } from '../store/schema.js';
import { pageStatement } from './ranking-reads.js';

/**
 * The scoring state of one run of a board as the pipeline's leaderboards stage reads and writes it
 * (migration 0010's layout): a user's score, the places of a breakdown group, the daily history.
 * Every read here is one statement over a primary key or the ranking index, whatever the number of
 * scores; the stage is the only writer.
 */

/**
 * Serialises the writes to one run of a board until the transaction ends. Placing a user reads the
 * group (its size, its lowest members, the members ahead) and then writes to it, so two users'
 * events at once could both take the last place. On PostgreSQL, where events of different users run
 * side by side, a transaction-scoped advisory lock per (board, run) makes them take turns; the
 * pipeline takes these locks in configuration order, and before the board's throttle row, so two
 * events never wait for each other in a circle. SQLite has one writer: nothing to do.
 */
export async function lockRun(trx: Kysely<Schema>, leaderboardId: string, runStart: string): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`leaderboard-run:${leaderboardId}:${runStart}`}, 0))`.execute(trx);
}

export interface StoredScore extends RunScore {
  groupKey: string | null;
}

const scoreRow = prepared((db, leaderboardId: string, runStart: string, userId: string) =>
  db
    .selectFrom('leaderboard_scores')
    .select(['total', 'value', 'reached_at', 'group_key'])
    .where('leaderboard_id', '=', leaderboardId)
    .where('run_start', '=', runStart)
    .where('user_id', '=', userId),
);

export async function readScore(trx: Kysely<Schema>, leaderboardId: string, runStart: string, userId: string): Promise<StoredScore | null> {
  const [row] = await scoreRow(trx, leaderboardId, runStart, userId);
  return row ? { total: Number(row.total), value: Number(row.value), reachedAt: Number(row.reached_at), groupKey: row.group_key } : null;
}

/** A group's size and, when the group is full or one place from it, its two lowest members (lowest first). */
export interface GroupStats {
  /** The group has its leaderboard_groups row already (ensureGroup has nothing to do). */
  named: boolean;
  size: number;
  /**
   * Enough to know the threshold after any one change. Read only when `size + 1 >= maxParticipants`:
   * below that no change leaves the group full, so the threshold stays 0 and a newcomer enters
   * whatever the lowest value (engine placement).
   */
  lowest: Entry[];
}

const lowestTwo = prepared((db, leaderboardId: string, runStart: string, groupId: string) =>
  db
    .selectFrom('leaderboard_members')
    .select(['user_id', 'value', 'reached_at'])
    .where('leaderboard_id', '=', leaderboardId)
    .where('run_start', '=', runStart)
    .where('group_id', '=', groupId)
    // The ranking index backwards: lowest value, then the latest to reach it, then the largest id.
    .orderBy('value')
    .orderBy('reached_at', 'desc')
    .orderBy('user_id', 'desc')
    .limit(2),
);

// The group's row, by primary key (migration 0011 keeps its size): counted over the ranking index,
// the size read up to 1,000 entries per board on every event (bench:events --config full).
const groupSize = prepared((db, leaderboardId: string, runStart: string, groupId: string) =>
  db.selectFrom('leaderboard_groups').select('size').where('leaderboard_id', '=', leaderboardId).where('run_start', '=', runStart).where('group_id', '=', groupId),
);

export async function readGroupStats(trx: Kysely<Schema>, leaderboardId: string, runStart: string, groupId: string, maxParticipants: number): Promise<GroupStats> {
  const [row] = await groupSize(trx, leaderboardId, runStart, groupId);
  const size = Number(row?.size ?? 0);
  if (size === 0 || size + 1 < maxParticipants) return { named: row !== undefined, size, lowest: [] };
  const rows = await lowestTwo(trx, leaderboardId, runStart, groupId);
  return { named: true, size, lowest: rows.map((row) => ({ userId: row.user_id, value: Number(row.value), reachedAt: Number(row.reached_at) })) };
}

const aheadOf = prepared((db, leaderboardId: string, runStart: string, groupId: string, userId: string, value: number, reachedAt: number) =>
  db
    .selectFrom('leaderboard_members')
    .select((eb) => eb.fn.countAll().as('ahead'))
    .where('leaderboard_id', '=', leaderboardId)
    .where('run_start', '=', runStart)
    .where('group_id', '=', groupId)
    .where('user_id', '!=', userId)
    .where((w) =>
      w.or([
        w('value', '>', value),
        w.and([w('value', '=', value), w.or([w('reached_at', '<', reachedAt), w.and([w('reached_at', '=', reachedAt), w('user_id', '<', userId)])])]),
      ]),
    ),
);

/** How many of the group's other members rank ahead of `entry` (engine compareEntries): its rank is that + 1. */
export async function countAhead(trx: Kysely<Schema>, leaderboardId: string, runStart: string, groupId: string, entry: Entry): Promise<number> {
  const [row] = await aheadOf(trx, leaderboardId, runStart, groupId, entry.userId, entry.value, entry.reachedAt);
  return Number(row?.ahead ?? 0);
}

const placesQuery = prepared(pageStatement);

/** Places offset + 1 .. offset + limit of a group: the members a change passes, without their names. */
export async function readPlaces(trx: Kysely<Schema>, leaderboardId: string, runStart: string, groupId: string, offset: number, limit: number): Promise<RankedEntry[]> {
  if (limit <= 0) return [];
  const rows = await placesQuery(trx, leaderboardId, runStart, groupId, limit, offset);
  return rows.map((row, i) => ({ userId: row.user_id, rank: offset + i + 1, value: Number(row.value) }));
}

/** The latest history row of each of these users in the run. */
export async function latestHistory(trx: Kysely<Schema>, leaderboardId: string, runStart: string, userIds: readonly string[]): Promise<Map<string, HistoryRow>> {
  if (userIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('leaderboard_rank_history as h')
    .select(['h.user_id', 'h.date', 'h.previous_rank', 'h.rank', 'h.previous_value', 'h.value'])
    .where('h.leaderboard_id', '=', leaderboardId)
    .where('h.run_start', '=', runStart)
    .where('h.user_id', 'in', [...userIds])
    .where((eb) =>
      eb(
        'h.date',
        '=',
        eb
          .selectFrom('leaderboard_rank_history as l')
          .select((inner) => inner.fn.max('l.date').as('date'))
          .whereRef('l.leaderboard_id', '=', 'h.leaderboard_id')
          .whereRef('l.run_start', '=', 'h.run_start')
          .whereRef('l.user_id', '=', 'h.user_id'),
      ),
    )
    .execute();
  return new Map(
    rows.map((row) => [
      row.user_id,
      {
        date: row.date,
        previousRank: row.previous_rank,
        rank: row.rank,
        previousValue: row.previous_value === null ? null : Number(row.previous_value),
        value: row.value === null ? null : Number(row.value),
      },
    ]),
  );
}

// ---- Writes.

const upsertScore = prepared((db, leaderboardId: string, runStart: string, userId: string, total: number, value: number, reachedAt: number, groupKey: string | null, now: number) => {
  const values = { total, value, reached_at: reachedAt, group_key: groupKey, updated_at: now };
  return db
    .insertInto('leaderboard_scores')
    .values({ leaderboard_id: leaderboardId, run_start: runStart, user_id: userId, ...values })
    .onConflict((oc) => oc.columns(['leaderboard_id', 'run_start', 'user_id']).doUpdateSet(values));
});

export async function saveScore(trx: Kysely<Schema>, leaderboardId: string, runStart: string, userId: string, score: StoredScore, now: number): Promise<void> {
  await upsertScore(trx, leaderboardId, runStart, userId, score.total, score.value, score.reachedAt, score.groupKey, now);
}

const insertGroup = prepared((db, leaderboardId: string, runStart: string, groupId: string, groupKey: string) =>
  db.insertInto('leaderboard_groups').values({ leaderboard_id: leaderboardId, run_start: runStart, group_id: groupId, group_key: groupKey }).onConflict((oc) => oc.doNothing()),
);

/** Names a group in a run (its id is a hash of the key: group-id.ts), once. */
export async function ensureGroup(trx: Kysely<Schema>, leaderboardId: string, runStart: string, groupId: string, groupKey: string): Promise<void> {
  await insertGroup(trx, leaderboardId, runStart, groupId, groupKey);
}

const upsertMember = prepared((db, leaderboardId: string, runStart: string, userId: string, groupId: string, value: number, reachedAt: number) => {
  const values = { group_id: groupId, value, reached_at: reachedAt };
  return db
    .insertInto('leaderboard_members')
    .values({ leaderboard_id: leaderboardId, run_start: runStart, user_id: userId, ...values })
    .onConflict((oc) => oc.columns(['leaderboard_id', 'run_start', 'user_id']).doUpdateSet(values));
});

/** The user's place (at most one per run): in `groupId` with this value. */
export async function saveMember(trx: Kysely<Schema>, leaderboardId: string, runStart: string, groupId: string, entry: Entry): Promise<void> {
  await upsertMember(trx, leaderboardId, runStart, entry.userId, groupId, entry.value, entry.reachedAt);
}

const removeMember = prepared((db, leaderboardId: string, runStart: string, userId: string) =>
  db.deleteFrom('leaderboard_members').where('leaderboard_id', '=', leaderboardId).where('run_start', '=', runStart).where('user_id', '=', userId),
);

export async function deleteMember(trx: Kysely<Schema>, leaderboardId: string, runStart: string, userId: string): Promise<void> {
  await removeMember(trx, leaderboardId, runStart, userId);
}

const upsertHistory = preparedRows((db, rows: Schema['leaderboard_rank_history'][]) =>
  db
    .insertInto('leaderboard_rank_history')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['leaderboard_id', 'run_start', 'user_id', 'date']).doUpdateSet((eb) => ({
        previous_rank: eb.ref('excluded.previous_rank'),
        rank: eb.ref('excluded.rank'),
        previous_value: eb.ref('excluded.previous_value'),
        value: eb.ref('excluded.value'),
      })),
    ),
);

export async function saveHistory(trx: Kysely<Schema>, leaderboardId: string, runStart: string, rows: readonly (HistoryRow & { userId: string })[]): Promise<void> {
  if (rows.length === 0) return;
  await upsertHistory(
    trx,
    rows.map((row) => ({
      leaderboard_id: leaderboardId,
      run_start: runStart,
      user_id: row.userId,
      date: row.date,
      previous_rank: row.previousRank,
      rank: row.rank,
      previous_value: row.previousValue,
      value: row.value,
    })),
  );
}
