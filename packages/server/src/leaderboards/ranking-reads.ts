import type { Kysely } from 'kysely';
import type { HistoryRow, RankedEntry } from '../engine/leaderboards/index.js';
import { prepared } from '../store/prepared.js';
import type { Schema } from '../store/schema.js';

/**
 * The reads a ranking serves: pages and standings over the index leaderboard_members_ranking
 * (migration 0010 explains the layout), a user's history over the primary key of
 * leaderboard_rank_history. Groups are named by group id (group-id.ts).
 */

/** One ranked place with the user's name, as LeaderboardRanking shows it. */
export interface RankedPlace extends RankedEntry {
  userName: string | null;
}

/** The page statement (exported so tests can read its query plan). */
export function pageStatement(db: Kysely<Schema>, leaderboardId: string, runStart: string, groupId: string, limit: number, offset: number) {
  return db
    .selectFrom('leaderboard_members')
    .select(['user_id', 'value'])
    .where('leaderboard_id', '=', leaderboardId)
    .where('run_start', '=', runStart)
    .where('group_id', '=', groupId)
    .orderBy('value', 'desc')
    .orderBy('reached_at')
    .orderBy('user_id')
    .limit(limit)
    .offset(offset);
}

const pageQuery = prepared(pageStatement);

/**
 * Places offset + 1 .. offset + limit of a group in a run: one in-order range scan of the index,
 * no sort, then the page's names by the users' primary key. Two statements, not a join: joined,
 * PostgreSQL hashed the environment's whole users table to name a page of ten (160 ms with a
 * million users), since it cannot know how few rows the limit leaves.
 */
export async function readRankingPage(
  db: Kysely<Schema>,
  environmentId: string,
  leaderboardId: string,
  runStart: string,
  groupId: string,
  offset: number,
  limit: number,
): Promise<RankedPlace[]> {
  if (limit === 0) return [];
  const rows = await pageQuery(db, leaderboardId, runStart, groupId, limit, offset);
  if (rows.length === 0) return [];
  const users = await db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('environment_id', '=', environmentId)
    .where('id', 'in', rows.map((row) => row.user_id))
    .execute();
  const names = new Map(users.map((user) => [user.id, user.name]));
  return rows.map((row, i) => ({ userId: row.user_id, userName: names.get(row.user_id) ?? null, rank: offset + i + 1, value: Number(row.value) }));
}

/** A member's place: their group, value, the instant they reached it and their rank in the group. */
export interface Standing {
  groupId: string;
  value: number;
  reachedAt: number;
  rank: number;
}

/** The standing statement (exported so tests can read its query plan). */
export function standingStatement(db: Kysely<Schema>, leaderboardId: string, runStart: string, userId: string) {
  return db
    .selectFrom('leaderboard_members as me')
    .select((eb) => [
      'me.group_id',
      'me.value',
      'me.reached_at',
      // Members of the same group ahead in ranking order: value desc, reached_at asc, user id asc.
      eb
        .selectFrom('leaderboard_members as m')
        .select((inner) => inner.fn.countAll().as('ahead'))
        .whereRef('m.leaderboard_id', '=', 'me.leaderboard_id')
        .whereRef('m.run_start', '=', 'me.run_start')
        .whereRef('m.group_id', '=', 'me.group_id')
        .where((w) =>
          w.or([
            w('m.value', '>', w.ref('me.value')),
            w.and([
              w('m.value', '=', w.ref('me.value')),
              w.or([
                w('m.reached_at', '<', w.ref('me.reached_at')),
                w.and([w('m.reached_at', '=', w.ref('me.reached_at')), w('m.user_id', '<', w.ref('me.user_id'))]),
              ]),
            ]),
          ]),
        )
        .as('ahead'),
    ])
    .where('me.leaderboard_id', '=', leaderboardId)
    .where('me.run_start', '=', runStart)
    .where('me.user_id', '=', userId);
}

const standingQuery = prepared(standingStatement);

/**
 * A user's place in a run, or null when they hold none: their member row by primary key and the
 * count of their group's members ahead of them (at most maxParticipants index entries).
 */
export async function readStanding(db: Kysely<Schema>, leaderboardId: string, runStart: string, userId: string): Promise<Standing | null> {
  const [row] = await standingQuery(db, leaderboardId, runStart, userId);
  if (!row) return null;
  return { groupId: row.group_id, value: Number(row.value), reachedAt: Number(row.reached_at), rank: Number(row.ahead) + 1 };
}

/** The history statement (exported so tests can read its query plan). */
export function historyStatement(db: Kysely<Schema>, leaderboardId: string, runStart: string, userId: string, limit: number) {
  return db
    .selectFrom('leaderboard_rank_history')
    .select(['date', 'previous_rank', 'rank', 'previous_value', 'value'])
    .where('leaderboard_id', '=', leaderboardId)
    .where('run_start', '=', runStart)
    .where('user_id', '=', userId)
    .orderBy('date', 'desc')
    .limit(limit);
}

const historyQuery = prepared(historyStatement);

/** A user's latest `limit` history rows in a run, newest first: a backward range scan of the history's primary key. */
export async function readHistory(db: Kysely<Schema>, leaderboardId: string, runStart: string, userId: string, limit: number): Promise<HistoryRow[]> {
  if (limit === 0) return [];
  const rows = await historyQuery(db, leaderboardId, runStart, userId, limit);
  const count = (value: number | null) => (value === null ? null : Number(value));
  return rows.map((row) => ({ date: row.date, previousRank: count(row.previous_rank), rank: count(row.rank), previousValue: count(row.previous_value), value: count(row.value) }));
}
