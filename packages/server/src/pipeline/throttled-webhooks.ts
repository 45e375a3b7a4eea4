import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { EmitInput, Outbox } from '../delivery/outbox.js';
import type { Run } from '../engine/leaderboards/index.js';
import { mergePointsChanged } from '../engine/points/index.js';
import { flushThrottle, idleThrottle, offerThrottle, THROTTLE_WINDOW_MS, type ThrottleState } from '../engine/throttle.js';
import { buildPayload } from '../events/catalog.js';
import type { LeaderboardRankChangedPayload, PointsChangedPayload } from '../events/payloads.js';
import type { Leaderboard } from '../leaderboards/leaderboard.js';
import { findLeaderboard } from '../leaderboards/leaderboard-reads.js';
import { toVisibleLeaderboard } from '../leaderboards/leaderboard-views.js';
import { leaderboardWithRankings, readWebhookRankings } from '../leaderboards/leaderboard-webhook.js';
import { jobKind, type JobHandler } from '../schedule/job-kind.js';
import { scheduleJob } from '../schedule/jobs.js';
import { preparedRows } from '../store/prepared.js';
import type { Schema, UserRow } from '../store/schema.js';
import { toWebhookUser } from '../users/user-store.js';
import type { PipelineInput } from './change.js';
import { systemPointsResponse } from './points-response.js';
import type { StateWrite } from './stage.js';
import type { LevelFacts } from './stages/level-stage.js';
import type { BoardChange, LeaderboardFacts } from './stages/leaderboard-stage.js';
import type { PointsFacts } from './stages/points-stage.js';

/**
 * Trophy's 15-minute rules: points.changed at most once per user and points system,
 * leaderboard.changed once per board, leaderboard.rank_changed once per user and board. Each
 * key goes through engine/throttle: the first change is sent at once; later ones in the window
 * are merged into one pending delivery, which a scheduled job (THROTTLED_WEBHOOK, one per key)
 * sends when the window closes. The state is migration 0009's and 0010's throttle tables.
 *
 * What is pending: for points.changed the merged body (`added` summed, awards collected, the
 * latest total and level: engine mergePointsChanged); for rank_changed the latest standing with
 * the previous one from the window's first change; for leaderboard.changed only the run, since
 * its body (the top 10 now) is read when it is sent.
 */
const throttleKey = z.discriminatedUnion('type', [
  z.object({ type: z.literal('points.changed'), systemId: z.string(), userId: z.string() }),
  z.object({ type: z.literal('leaderboard.changed'), leaderboardId: z.string() }),
  z.object({ type: z.literal('leaderboard.rank_changed'), leaderboardId: z.string(), userId: z.string() }),
]);
type ThrottleKey = z.infer<typeof throttleKey>;

/** The trailing delivery of one throttle key (subject: the key, see subjectOf). */
export const THROTTLED_WEBHOOK = jobKind('webhook-throttle', throttleKey);

interface RunMarker {
  run: Run;
}

type Pending = PointsChangedPayload | LeaderboardRankChangedPayload | RunMarker;

function subjectOf(key: ThrottleKey): string {
  return key.type === 'leaderboard.changed' ? `${key.type}:${key.leaderboardId}` : `${key.type}:${'systemId' in key ? key.systemId : key.leaderboardId}:${key.userId}`;
}

function merge(older: Pending, newer: Pending): Pending {
  if ('type' in newer && newer.type === 'points.changed') return { ...newer, points: mergePointsChanged((older as PointsChangedPayload).points, newer.points) };
  if ('type' in newer && newer.type === 'leaderboard.rank_changed') {
    const first = (older as LeaderboardRankChangedPayload).leaderboard;
    return { ...newer, leaderboard: { ...newer.leaderboard, previousRank: first.previousRank, previousValue: first.previousValue } };
  }
  return newer;
}

interface Offer {
  key: ThrottleKey;
  change: Pending;
}

export interface ThrottledOutcome {
  writes: StateWrite[];
  /** points.changed sent now. */
  points: EmitInput[];
  /** leaderboard.changed and rank_changed sent now. */
  leaderboards: EmitInput[];
}

/** Offers what this write changed to the throttles: what goes out now, and the throttles' new state. */
export async function throttledWebhooks(
  trx: Kysely<Schema>,
  input: PipelineInput,
  facts: { points: PointsFacts; levels: LevelFacts; leaderboards: LeaderboardFacts },
): Promise<ThrottledOutcome> {
  const { environmentId, user, now } = input;
  const offers: Offer[] = [];
  const webhookUser = toWebhookUser(user);
  for (const system of facts.points.systems) {
    const points = systemPointsResponse(system, facts.levels, now);
    offers.push({ key: { type: 'points.changed', systemId: system.config.system.id, userId: user.id }, change: buildPayload('points.changed', { user: webhookUser, points }) });
  }
  for (const change of facts.leaderboards.boards) {
    if (!change.rankingsChanged) continue;
    const boardId = change.board.id;
    offers.push({ key: { type: 'leaderboard.changed', leaderboardId: boardId }, change: { run: change.run } });
    for (const moved of [change.user, ...change.others]) {
      if (moved.previousRank === moved.rank) continue;
      const row = moved.userId === user.id ? user : facts.leaderboards.othersById.get(moved.userId);
      const body = row && rankChanged(change, row, moved, now);
      if (body) offers.push({ key: { type: 'leaderboard.rank_changed', leaderboardId: boardId, userId: moved.userId }, change: body });
    }
  }
  const outcome: ThrottledOutcome = { writes: [], points: [], leaderboards: [] };
  if (offers.length === 0) return outcome;

  const states = await readStates(trx, environmentId, offers.map((offer) => offer.key));
  const boards = new Map(facts.leaderboards.boards.map((b) => [b.board.id, b.board]));
  const updates: { key: ThrottleKey; state: ThrottleState<Pending> }[] = [];
  for (const { key, change } of offers) {
    const previous = states.get(subjectOf(key)) ?? idleThrottle;
    const { state, decision } = offerThrottle<Pending>(previous, change, now, merge);
    updates.push({ key, state });
    if (decision.kind === 'send') {
      const event = await toEvent(trx, environmentId, key, decision.payload, now, boards.get('leaderboardId' in key ? key.leaderboardId : ''));
      if (event) (key.type === 'points.changed' ? outcome.points : outcome.leaderboards).push(event);
    } else if (previous.pending === null) {
      // The window's first held change: its trailing delivery goes on the schedule (later ones join it).
      const at = decision.at;
      outcome.writes.push((w) => scheduleJob(w, THROTTLED_WEBHOOK, { environmentId, subject: subjectOf(key) }, { at, payload: key }, now));
    }
  }
  outcome.writes.unshift((w) => writeStates(w, environmentId, updates, now));
  return outcome;
}

function rankChanged(change: BoardChange, user: UserRow, moved: BoardChange['user'], now: number): LeaderboardRankChangedPayload | null {
  const board = toVisibleLeaderboard(change.board, now);
  if (board === null) return null;
  const { start, end } = change.run;
  return buildPayload('leaderboard.rank_changed', {
    user: toWebhookUser(user),
    leaderboard: { ...board, start, end, rank: moved.rank, value: moved.value, previousRank: moved.previousRank, previousValue: moved.previousValue },
  });
}

/** The webhook a throttle sends: the pending body, or for leaderboard.changed the run's top 10 read now. */
async function toEvent(trx: Kysely<Schema>, environmentId: string, key: ThrottleKey, payload: Pending, now: number, board?: Leaderboard): Promise<EmitInput | null> {
  if (key.type !== 'leaderboard.changed') return { environmentId, type: key.type, payload: payload as PointsChangedPayload | LeaderboardRankChangedPayload };
  const found = board ?? (await findLeaderboard(trx, environmentId, key.leaderboardId));
  const visible = found && toVisibleLeaderboard(found, now);
  // A board deleted or set inactive since the change announces nothing.
  if (!found || !visible) return null;
  const { run } = payload as RunMarker;
  const rankings = await readWebhookRankings(trx, environmentId, found.id, run.start);
  return { environmentId, type: 'leaderboard.changed', payload: buildPayload('leaderboard.changed', { leaderboard: leaderboardWithRankings(found, run, visible.status, rankings) }) };
}

// ---- The trailing delivery.

/**
 * THROTTLED_WEBHOOK's handler: at the end of a key's window, sends what is pending (engine
 * flushThrottle) and starts the next window. Nothing pending (a change after the window took it
 * along) sends nothing. Running it twice sends once: the first run clears the pending body.
 */
export function throttledWebhookHandler(deps: { outbox: Pick<Outbox, 'emitAll'> }): JobHandler<ThrottleKey> {
  return async (trx, job, now) => {
    const key = job.payload;
    const states = await readStates(trx, job.environmentId, [key]);
    const state = states.get(subjectOf(key));
    if (!state) return null;
    const { state: next, send } = flushThrottle(state, now);
    // Early (it cannot be, but a clock may step back): wait for the window's end.
    if (send === null) return state.pending === null ? null : { at: state.lastSentAt! + THROTTLE_WINDOW_MS };
    await writeStates(trx, job.environmentId, [{ key, state: next }], now);
    const event = await toEvent(trx, job.environmentId, key, send, now);
    if (event) await deps.outbox.emitAll(trx, [event], now);
    return null;
  };
}

// ---- Throttle state: points_changed_throttles (per user and system) and leaderboard_throttles (per board, and per board and user).

async function readStates(trx: Kysely<Schema>, environmentId: string, keys: readonly ThrottleKey[]): Promise<Map<string, ThrottleState<Pending>>> {
  const states = new Map<string, ThrottleState<Pending>>();
  const read = (row: { last_sent_at: number | null; pending: string | null }): ThrottleState<Pending> => ({
    lastSentAt: row.last_sent_at === null ? null : Number(row.last_sent_at),
    pending: row.pending === null ? null : (JSON.parse(row.pending) as Pending),
  });
  // Both tables in one statement (a metric event with points and leaderboards offers to both).
  const points = keys.filter((k): k is Extract<ThrottleKey, { type: 'points.changed' }> => k.type === 'points.changed');
  const pointsRows =
    points.length > 0
      ? trx
          .selectFrom('points_changed_throttles')
          .select([sql<ThrottleKey['type']>`'points.changed'`.as('type'), 'system_id as target_id', 'user_id', 'last_sent_at', 'pending'])
          .where('environment_id', '=', environmentId)
          .where('user_id', 'in', [...new Set(points.map((k) => k.userId))])
          .where('system_id', 'in', [...new Set(points.map((k) => k.systemId))])
      : undefined;
  const boards = keys.filter((k): k is Exclude<ThrottleKey, { type: 'points.changed' }> => k.type !== 'points.changed');
  const boardRows =
    boards.length > 0
      ? trx
          .selectFrom('leaderboard_throttles')
          .select([sql<ThrottleKey['type']>`type`.as('type'), 'leaderboard_id as target_id', 'user_id', 'last_sent_at', 'pending'])
          .where('leaderboard_id', 'in', [...new Set(boards.map((k) => k.leaderboardId))])
          // All three columns of the primary key, so this is a lookup, not a scan of the board's users.
          .where('type', 'in', [...new Set(boards.map((k) => k.type))])
          .where('user_id', 'in', [...new Set(boards.map((k) => ('userId' in k ? k.userId : '')))])
      : undefined;
  const query = pointsRows && boardRows ? pointsRows.unionAll(boardRows) : (pointsRows ?? boardRows);
  if (!query) return states;
  for (const row of await query.execute()) {
    const key: ThrottleKey =
      row.type === 'points.changed'
        ? { type: row.type, systemId: row.target_id, userId: row.user_id }
        : row.type === 'leaderboard.changed'
          ? { type: row.type, leaderboardId: row.target_id }
          : { type: row.type, leaderboardId: row.target_id, userId: row.user_id };
    states.set(subjectOf(key), read(row));
  }
  return states;
}

const upsertPointsThrottles = preparedRows((db, rows: Schema['points_changed_throttles'][]) =>
  db
    .insertInto('points_changed_throttles')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['system_id', 'user_id']).doUpdateSet((eb) => ({ last_sent_at: eb.ref('excluded.last_sent_at'), pending: eb.ref('excluded.pending'), updated_at: eb.ref('excluded.updated_at') })),
    ),
);

const upsertBoardThrottles = preparedRows((db, rows: Schema['leaderboard_throttles'][]) =>
  db
    .insertInto('leaderboard_throttles')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['leaderboard_id', 'type', 'user_id']).doUpdateSet((eb) => ({ last_sent_at: eb.ref('excluded.last_sent_at'), pending: eb.ref('excluded.pending'), updated_at: eb.ref('excluded.updated_at') })),
    ),
);

async function writeStates(trx: Kysely<Schema>, environmentId: string, updates: readonly { key: ThrottleKey; state: ThrottleState<Pending> }[], now: number): Promise<void> {
  const values = (state: ThrottleState<Pending>) => ({ last_sent_at: state.lastSentAt, pending: state.pending === null ? null : JSON.stringify(state.pending), updated_at: now });
  const points = updates.flatMap(({ key, state }) => (key.type === 'points.changed' ? [{ system_id: key.systemId, user_id: key.userId, environment_id: environmentId, ...values(state) }] : []));
  if (points.length > 0) await upsertPointsThrottles(trx, points);
  const boards = updates.flatMap(({ key, state }) =>
    key.type === 'points.changed' ? [] : [{ leaderboard_id: key.leaderboardId, type: key.type, user_id: 'userId' in key ? key.userId : '', ...values(state) }],
  );
  if (boards.length > 0) await upsertBoardThrottles(trx, boards);
}
