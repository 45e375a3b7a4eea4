import type { UserProgress } from '../engine/achievements/qualify.js';
import type { EnvironmentConfig } from '../environments/config-cache.js';
import type { AchievementRow, MetricRow, UserRow } from '../store/schema.js';

/**
 * What a write did, as the pipeline's stages read it. Each entry point records its own fact (the
 * metric event's rows, the user's row) and then hands the pipeline one change; the stages work out
 * every consequence of it. New kinds of writes add a member here and the stages that care about it.
 */
export type Change =
  | MetricEventChange
  | AchievementCompletedChange
  | UserWrittenChange
  | StreakTickChange
  | FreezesGrantedChange
  | StreakRestoredChange
  | StreakRescheduledChange
  | StreakPreferencesChange
  | StreakResetChange
  | TimeTickChange
  | AchievementsBackdatedChange;

/** `POST /v1/metrics/{key}/event` (or one event of a batch): the event's rows are written. */
export interface MetricEventChange {
  kind: 'metric_event';
  eventId: string;
  metric: MetricRow;
  value: number;
  attributes: Readonly<Record<string, string>>;
  /** The user's total for the metric after the event. */
  total: number;
}

/** `POST /v1/achievements/{key}/complete` of an `api` achievement the user does not hold yet. */
export interface AchievementCompletedChange {
  kind: 'achievement_completed';
  achievement: AchievementRow;
}

/** The users API created or updated the user. */
export interface UserWrittenChange {
  kind: 'user_written';
}

/** The scheduled streak job: the user's streak is settled up to now (rollovers, automatic freezes). */
export interface StreakTickChange {
  kind: 'streak_tick';
}

/** An admin grant: one freeze per item, items by their index in the request. */
export interface FreezesGrantedChange {
  kind: 'freezes_granted';
  items: readonly number[];
}

/** An admin restore of the user's streak. */
export interface StreakRestoredChange {
  kind: 'streak_restored';
}

/** An admin reset (POST /admin/v1/streaks/reset): the user's current streak goes to 0. */
export interface StreakResetChange {
  kind: 'streak_reset';
}

/**
 * The streak settings were saved (the reschedule walk visits the user): the streak goes on the
 * schedule the new settings imply; auto-earn switched on dates the first grant from `startedAt`.
 */
export interface StreakRescheduledChange {
  kind: 'streak_rescheduled';
  /** When the settings were saved. */
  startedAt: number;
}

/**
 * `PATCH /users/{id}/preferences` set `streak.enabled` or days off (the user's row already holds
 * them): turned off, the length anything reads goes to 0; turned back on, the streak starts afresh.
 */
export interface StreakPreferencesChange {
  kind: 'streak_preferences';
  /** The user's `streak.enabled` before the write. */
  wasEnabled: boolean;
}

/**
 * Points time triggers that fell due for the user (a scheduler tick): per points system id, the
 * triggers and how many times each is due. Whoever schedules the ticks keeps their own due times.
 */
export interface TimeTickChange {
  kind: 'time_tick';
  ticks: ReadonlyMap<string, readonly { triggerId: string; count: number }[]>;
}

/**
 * The backdating walk visits the user (an achievement went live or a live one changed): the
 * achievement stage grants every active achievement the user already meets, stamped `at` and marked
 * backdated. Trophy sends nothing for them: the pipeline runs silently and awards what achievement
 * triggers pay (and the boards those points rank follow).
 */
export interface AchievementsBackdatedChange {
  kind: 'achievements_backdated';
  /** The user's progress as the walk's chunk read it for all its users at once (attributes: the user's row). */
  progress: Omit<UserProgress, 'attributes'>;
  /** When the change that started the walk was made. */
  at: number;
}

/** One run of the pipeline: a change for one user, in the caller's transaction, at one instant. */
export interface PipelineInput {
  environmentId: string;
  /** The user as the write left them. */
  user: UserRow;
  /** This write created the user. */
  userCreated: boolean;
  /** This write moved the user to another time zone (their periods end at other instants). */
  tzChanged: boolean;
  change: Change;
  /** The environment's configuration, read once for the write (ConfigCache). */
  config: EnvironmentConfig;
  now: number;
}
