/**
 * The leaderboard rules' vocabulary. Everything in engine/leaderboards is a pure function of
 * (state, settings, local date or instant): no database, no clock reads.
 * Local dates are `YYYY-MM-DD` strings; instants are epoch milliseconds.
 */
export const RANK_BY = ['metric', 'points', 'streak'] as const;
export type RankBy = (typeof RANK_BY)[number];

export const RUN_UNITS = ['day', 'month', 'year'] as const;
export type RunUnit = (typeof RUN_UNITS)[number];

/** The status an admin sets (stored). `scheduled` and `active` both mean "live from `start`". */
export const ADMIN_STATUSES = ['inactive', 'scheduled', 'active', 'finished'] as const;
export type AdminStatus = (typeof ADMIN_STATUSES)[number];

/** The status users and admins see, derived from the stored status and the dates. */
export type LeaderboardStatus = AdminStatus;

/** When a board ranks: from `start`, in runs of runInterval x runUnit, until `end` (inclusive). */
export interface RunSettings {
  start: string;
  end: string | null;
  /** null = perpetual: one run from start to end (or forever). */
  runUnit: RunUnit | null;
  /** Set exactly when runUnit is; at least 1. */
  runInterval: number | null;
}

/** A daily window in the user's local time, `HH:mm` or `HH:mm:ss`; both null = all day. */
export interface TimeWindow {
  /** Inclusive. */
  startTime: string | null;
  /** Exclusive. */
  endTime: string | null;
}

/** A leaderboard's configuration as the rules need it (breakdowns as attribute keys). */
export interface LeaderboardConfig extends RunSettings, TimeWindow {
  key: string;
  status: AdminStatus;
  rankBy: RankBy;
  metricId: string | null;
  pointsSystemId: string | null;
  /** 1..1000; requests that send null or nothing mean the default, 1000. */
  maxParticipants: number;
  breakdownAttributes: readonly string[];
}

/** One run: inclusive local dates. `end` is null only for a perpetual board without an end. */
export interface Run {
  /** 0 for the first run; perpetual boards have only run 0. */
  index: number;
  start: string;
  end: string | null;
}

/** A rule broken by a configuration, named by the field to blame. */
export interface FieldError {
  field: string;
  message: string;
}

/** A user's place in a ranking: the value and when it was reached (the tie-break). */
export interface Entry {
  userId: string;
  value: number;
  /** Instant (ms) the user reached `value`; earlier ranks higher among equal values. */
  reachedAt: number;
}

/** One row of a ranking as the API shows it (the route adds userName). */
export interface RankedEntry {
  userId: string;
  rank: number;
  value: number;
}

/** How one user's standing changed; rank and value are null off the board. */
export interface RankChange {
  userId: string;
  previousRank: number | null;
  rank: number | null;
  previousValue: number | null;
  value: number | null;
}

/** One daily snapshot of a user's standing (LeaderboardEvent without its deprecated timestamp). */
export interface HistoryRow {
  date: string;
  previousRank: number | null;
  rank: number | null;
  previousValue: number | null;
  value: number | null;
}
