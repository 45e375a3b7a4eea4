/**
 * Types and calls for leaderboards' configuration (the Admin API's /admin/v1/leaderboards). Shapes
 * follow the server's zod schemas (packages/server/src/http/schemas/leaderboards.ts).
 */
import { created, deleted, listAll, updated } from './bulk';
import type { AdminIssue, EnvironmentApi } from './client';

export type RankBy = 'metric' | 'points' | 'streak';
export type LeaderboardStatus = 'inactive' | 'scheduled' | 'active' | 'finished';
export type RunUnit = 'day' | 'month' | 'year';

/** Trophy's AdminLeaderboard: fields that are not set are left out. */
export interface Leaderboard {
  id: string;
  name: string;
  key: string;
  description?: string;
  /** The status users see now: the one set, moved on by the dates. */
  status: LeaderboardStatus;
  rankBy: RankBy;
  /** Left out once the metric (or points system) has been deleted. */
  metricId?: string;
  pointsSystemId?: string;
  maxParticipants: number;
  /** Local dates; end inclusive. */
  start: string;
  end?: string;
  /** The daily window in each user's local time, HH:mm or HH:mm:ss. */
  startTime?: string;
  endTime?: string;
  /** User attribute ids. */
  breakdownAttributes: string[];
  /** Both left out for a perpetual board. */
  runUnit?: RunUnit;
  runInterval?: number;
}

/** What the forms send; null clears a field on update. */
export interface LeaderboardInput {
  name?: string;
  key?: string;
  description?: string | null;
  status?: LeaderboardStatus;
  rankBy?: RankBy;
  metricId?: string;
  pointsSystemId?: string;
  maxParticipants?: number | null;
  start?: string;
  end?: string | null;
  startTime?: string | null;
  endTime?: string | null;
  breakdownAttributes?: string[];
  runUnit?: RunUnit | null;
  runInterval?: number;
}

const path = '/admin/v1/leaderboards';

export function leaderboardsApi(api: EnvironmentApi) {
  return {
    list: () => listAll<Leaderboard>(api, path),
    get: (id: string) => api.get<Leaderboard>(`${path}/${encodeURIComponent(id)}`),
    create: (input: LeaderboardInput) => created(api.post<{ created: Leaderboard[]; issues: AdminIssue[] }>(path, [input])),
    update: (id: string, changes: LeaderboardInput) => updated(api.patch<{ updated: Leaderboard[]; issues: AdminIssue[] }>(path, [{ id, ...changes }])),
    remove: (id: string) => deleted(api.delete<{ deleted: { id: string }[]; issues: AdminIssue[] }>(path, { ids: id })),
  };
}

// ---- Rankings: the Application API's reads (GET /v1/leaderboards, /v1/leaderboards/{key}, /v1/users/{id}/leaderboards/{key}),
// and the console's list of a board's runs. The server decides which boards users see, their
// status, breakdown keys and runs; the pages show its answers and work none of them out.

export interface LeaderboardRanking {
  userId: string;
  userName: string | null;
  /** 1 is first; ties go to who reached the value first. */
  rank: number;
  value: number;
}

/**
 * Trophy's LeaderboardResponse with the status it has now: a board users can see (never
 * inactive), breakdowns by attribute key (a deleted attribute left out), what it ranks by name.
 */
export interface VisibleLeaderboard {
  id: string;
  key: string;
  name: string;
  status: Exclude<LeaderboardStatus, 'inactive'>;
  rankBy: RankBy;
  breakdownAttributes: string[];
  metricKey?: string;
  metricName?: string;
  pointsSystemKey?: string;
  pointsSystemName?: string;
  description: string | null;
  maxParticipants: number;
  /** null on a perpetual board: one run. */
  runUnit: RunUnit | null;
  runInterval: number | null;
}

export interface LeaderboardWithRankings extends VisibleLeaderboard {
  rankings: LeaderboardRanking[];
}

export interface UserLeaderboard extends VisibleLeaderboard {
  /** Both null when the user holds no place in the run. */
  rank: number | null;
  value: number | null;
  history: { date: string; previousRank: number | null; rank: number | null; previousValue: number | null; value: number | null }[];
}

export interface RankingsQuery {
  /** Any date inside the run to read. */
  run: string;
  offset: number;
  limit: number;
  /** `key:value,key2:value2`: the breakdown group, on a board with breakdowns only. */
  userAttributes?: string;
}

/** One run of a board: local dates, end inclusive (null on a perpetual board without an end). */
export interface LeaderboardRun {
  index: number;
  start: string;
  end: string | null;
}

/** GET /console/v1/environments/{id}/leaderboards/{id}/runs: the run read without `run=`, then the ended ones, newest first. */
export interface LeaderboardRuns {
  current: LeaderboardRun;
  past: LeaderboardRun[];
}

const board = (key: string) => `/v1/leaderboards/${encodeURIComponent(key)}`;

export function rankingsApi(api: EnvironmentApi) {
  return {
    /** Every board users can see, finished ones included. */
    visible: () => api.get<VisibleLeaderboard[]>('/v1/leaderboards', { includeFinished: true }),
    rankings: (key: string, query: RankingsQuery) => api.get<LeaderboardWithRankings>(board(key), { ...query }),
    runs: (id: string, limit: number) =>
      api.get<LeaderboardRuns>(`/console/v1/environments/${encodeURIComponent(api.environment)}/leaderboards/${encodeURIComponent(id)}/runs`, { limit }),
    /** The user's rank in the run of their local today, and their recent history. */
    forUser: (userId: string, key: string) => api.get<UserLeaderboard>(`/v1/users/${encodeURIComponent(userId)}/leaderboards/${encodeURIComponent(key)}`, { numEvents: 7 }),
  };
}
