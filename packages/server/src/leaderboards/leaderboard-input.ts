import { MAX_PARTICIPANTS, type AdminStatus, type LeaderboardConfig, type RankBy, type RunUnit } from '../engine/leaderboards/index.js';
import { newId } from '../store/ids.js';
import type { LeaderboardRow } from '../store/schema.js';

/** Fields a create or an update may carry, already checked for type and format by the HTTP layer. */
export interface LeaderboardFields {
  name?: string | undefined;
  key?: string | undefined;
  description?: string | null | undefined;
  status?: AdminStatus | undefined;
  rankBy?: RankBy | undefined;
  metricId?: string | undefined;
  pointsSystemId?: string | undefined;
  /** null means the default, 1,000. */
  maxParticipants?: number | null | undefined;
  start?: string | undefined;
  /** null clears it. */
  end?: string | null | undefined;
  startTime?: string | null | undefined;
  endTime?: string | null | undefined;
  /** User attribute ids. */
  breakdownAttributes?: string[] | undefined;
  /** null makes the board perpetual, and clears runInterval too. */
  runUnit?: RunUnit | null | undefined;
  runInterval?: number | undefined;
}

export interface CreateLeaderboardInput extends LeaderboardFields {
  name: string;
  key: string;
  rankBy: RankBy;
}

export interface UpdateLeaderboardInput extends LeaderboardFields {
  id: string;
}

/** A new board's row: Trophy's defaults are inactive, 1,000 participants and a start of today (UTC). */
export function newRow(environmentId: string, input: CreateLeaderboardInput, now: number): LeaderboardRow {
  return {
    id: newId(),
    environment_id: environmentId,
    key: input.key,
    name: input.name,
    description: input.description ?? null,
    status: input.status ?? 'inactive',
    rank_by: input.rankBy,
    metric_id: input.metricId ?? null,
    points_system_id: input.pointsSystemId ?? null,
    max_participants: input.maxParticipants ?? MAX_PARTICIPANTS,
    start_date: input.start ?? new Date(now).toISOString().slice(0, 10),
    end_date: input.end ?? null,
    start_time: input.startTime ?? null,
    end_time: input.endTime ?? null,
    breakdown_attribute_ids: JSON.stringify(input.breakdownAttributes ?? []),
    run_unit: input.runUnit ?? null,
    run_interval: input.runInterval ?? null,
    created_at: now,
    updated_at: now,
  };
}

/**
 * The row after a change: fields left out are kept, null clears what may be cleared. Changing
 * rankBy drops the metric or points system that belonged to the old one, so a board moving from
 * metric to streak needs no way to send `metricId: null`.
 */
export function changedRow(existing: LeaderboardRow, change: LeaderboardFields, now: number): LeaderboardRow {
  const rankBy = change.rankBy ?? existing.rank_by;
  const keepsRankBy = rankBy === existing.rank_by;
  const runUnit = change.runUnit === undefined ? existing.run_unit : change.runUnit;
  return {
    ...existing,
    key: change.key ?? existing.key,
    name: change.name ?? existing.name,
    description: change.description === undefined ? existing.description : change.description,
    status: change.status ?? existing.status,
    rank_by: rankBy,
    metric_id: change.metricId ?? (keepsRankBy ? existing.metric_id : null),
    points_system_id: change.pointsSystemId ?? (keepsRankBy ? existing.points_system_id : null),
    max_participants: change.maxParticipants === undefined ? existing.max_participants : (change.maxParticipants ?? MAX_PARTICIPANTS),
    start_date: change.start ?? existing.start_date,
    end_date: change.end === undefined ? existing.end_date : change.end,
    start_time: change.startTime === undefined ? existing.start_time : change.startTime,
    end_time: change.endTime === undefined ? existing.end_time : change.endTime,
    breakdown_attribute_ids: change.breakdownAttributes === undefined ? existing.breakdown_attribute_ids : JSON.stringify(change.breakdownAttributes),
    run_unit: runUnit,
    run_interval: change.runInterval ?? (change.runUnit === null ? null : existing.run_interval),
    updated_at: now,
  };
}

/**
 * A row as the engine's rules see it, for validateLeaderboard. Breakdowns stay attribute ids:
 * the rules only compare them (listed once, unchanged once live), and ids are what was sent.
 */
export function ruleConfig(row: LeaderboardRow): LeaderboardConfig {
  return {
    key: row.key,
    status: row.status,
    rankBy: row.rank_by,
    metricId: row.metric_id,
    pointsSystemId: row.points_system_id,
    maxParticipants: row.max_participants,
    start: row.start_date,
    end: row.end_date,
    startTime: row.start_time,
    endTime: row.end_time,
    breakdownAttributes: JSON.parse(row.breakdown_attribute_ids) as string[],
    runUnit: row.run_unit,
    runInterval: row.run_interval,
  };
}

/** Whether a change re-defines what the board ranks, so that the scores it has kept no longer mean anything. */
export function changesRanking(before: LeaderboardRow, after: LeaderboardRow): boolean {
  return (
    before.rank_by !== after.rank_by ||
    before.metric_id !== after.metric_id ||
    before.points_system_id !== after.points_system_id ||
    before.breakdown_attribute_ids !== after.breakdown_attribute_ids ||
    before.run_unit !== after.run_unit ||
    before.run_interval !== after.run_interval ||
    before.start_date !== after.start_date
  );
}
