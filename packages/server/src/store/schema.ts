import type { ColumnType, Generated, Selectable } from 'kysely';
import type { AchievementStatus, AchievementTriggerKind } from '../engine/achievements/qualify.js';

/**
 * The database as Kysely sees it. Times are Unix milliseconds (bigint in PostgreSQL, integer in
 * SQLite) so both backends store, compare and index them the same way; booleans are 0/1 for the
 * same reason.
 */
export interface Schema {
  environments: EnvironmentTable;
  api_keys: ApiKeyTable;
  application_api_keys: ApplicationApiKeyTable;
  webhooks: WebhookTable;
  webhook_secrets: WebhookSecretTable;
  events: EventTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
  attributes: AttributeTable;
  metrics: MetricTable;
  users: UserTable;
  user_metrics: UserMetricTable;
  metric_events: MetricEventTable;
  metric_daily: MetricDailyTable;
  achievements: AchievementTable;
  user_achievements: UserAchievementTable;
  achievement_progress: AchievementProgressTable;
  streak_settings: StreakSettingsTable;
  environment_settings: EnvironmentSettingsTable;
  user_streaks: UserStreakTable;
  streak_periods: StreakPeriodTable;
  streak_pauses: StreakPauseTable;
  scheduled_jobs: ScheduledJobTable;
  failed_jobs: FailedJobTable;
  accounts: AccountTable;
  sessions: SessionTable;
  login_failures: LoginFailureTable;
  listen_sessions: ListenSessionTable;
  listen_forwards: ListenForwardTable;
  points_systems: PointsSystemTable;
  points_triggers: PointsTriggerTable;
  points_levels: PointsLevelTable;
  points_boosts: PointsBoostTable;
  user_points: UserPointsTable;
  user_points_triggers: UserPointsTriggerTable;
  points_awards: PointsAwardTable;
  points_changed_throttles: PointsChangedThrottleTable;
  leaderboards: LeaderboardTable;
  leaderboard_scores: LeaderboardScoreTable;
  leaderboard_groups: LeaderboardGroupTable;
  leaderboard_members: LeaderboardMemberTable;
  leaderboard_rank_history: LeaderboardRankHistoryTable;
  leaderboard_throttles: LeaderboardThrottleTable;
  rate_limit_counters: RateLimitCounterTable;
}

export const environmentKinds = ['production', 'staging', 'development'] as const;
export type EnvironmentKind = (typeof environmentKinds)[number];

export interface EnvironmentTable {
  id: string;
  name: string;
  /** What the environment is for; the dashboard colours by it. The bootstrap key goes to the oldest `production` one. */
  kind: Generated<EnvironmentKind>;
  created_at: number;
  /** Bumped by trigger on every write to the environment's configuration tables. */
  config_version: Generated<number>;
}

export interface ApiKeyTable {
  id: string;
  environment_id: string;
  /** The public half of `{prefix}.{secret}`, safe to show and log. */
  prefix: string;
  /** SHA-256 of the secret half; the secret itself is shown once and never stored. */
  secret_hash: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A key bound to one user, for client-side use on the Application API only (0015). */
export interface ApplicationApiKeyTable {
  id: string;
  environment_id: string;
  /** The user the key acts for; the key goes when the user does. */
  user_id: string;
  /** `app_{mark}_{8 chars}`: the public half, safe to show and log. */
  prefix: string;
  /** SHA-256 of the secret half. */
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface WebhookTable {
  id: string;
  environment_id: string;
  name: string;
  url: string;
  /** JSON array of subscribed event types. */
  events: string;
  enabled: number;
  /** Why the webhook was disabled automatically (410 Gone, days of failures); null when enabled by hand. */
  disabled_reason: string | null;
  /** A per-webhook attempt timeout below the global one; null uses the global. */
  timeout_ms: number | null;
  /** Start of the current run of failures without a success; null while healthy. */
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookSecretTable {
  id: string;
  webhook_id: string;
  secret: string;
  created_at: number;
  /** null for the current secret; set on rotation to the end of the overlap window. */
  expires_at: number | null;
}

export interface EventTable {
  id: string;
  environment_id: string;
  type: string;
  /** The exact JSON body every delivery of this event sends (and signs). */
  payload: string;
  created_at: number;
}

export const deliveryStatuses = ['pending', 'delivering', 'succeeded', 'retrying', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const attemptTriggers = ['first', 'retry', 'manual'] as const;
export type AttemptTrigger = (typeof attemptTriggers)[number];

export interface DeliveryTable {
  id: string;
  event_id: string;
  webhook_id: string;
  environment_id: string;
  event_type: string;
  status: DeliveryStatus;
  /** Attempts started so far (claims), including one in flight. */
  attempts: number;
  next_attempt_at: number;
  /** What the next attempt counts as in the log. */
  next_trigger: AttemptTrigger;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DeliveryAttemptTable {
  id: string;
  delivery_id: string;
  webhook_id: string;
  number: number;
  trigger: AttemptTrigger;
  started_at: number;
  status_code: number | null;
  error_kind: string | null;
  error_message: string | null;
  latency_ms: number;
  /** At most 4 KiB of what the receiver answered. */
  response_body: string | null;
  /** JSON object of the request headers sent, signatures included (they are not secrets). */
  request_headers: string;
}

export type Webhook = Selectable<WebhookTable>;
export type Delivery = Selectable<DeliveryTable>;
export type DeliveryAttempt = Selectable<DeliveryAttemptTable>;

// ---- The gamification engine. Dates of local calendars are `YYYY-MM-DD` text; JSON columns are text.

export type AttributeType = 'user' | 'event';

export interface AttributeTable {
  id: string;
  environment_id: string;
  key: string;
  name: string;
  type: AttributeType;
  created_at: number;
  updated_at: number;
}

export interface MetricTable {
  id: string;
  environment_id: string;
  key: string;
  name: string;
  unit_type: 'number' | 'currency';
  units: string;
  status: 'active' | 'archived';
  created_at: number;
  updated_at: number;
}

export interface UserTable {
  environment_id: string;
  /** The customer's own id for the user. */
  id: string;
  email: string | null;
  name: string | null;
  tz: string | null;
  /** JSON array, or null when the user has none. */
  device_tokens: string | null;
  subscribe_to_emails: number;
  /** JSON object of user-attribute key to value. */
  attributes: string;
  control: number;
  /** JSON `{notifications, streak?}` as set through the preferences API. */
  preferences: string;
  /** `YYYY-MM-DD` (Trophy's signUpDate) or null; optional on insert (0014). */
  sign_up_date: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: number;
  updated_at: number;
}

export interface UserMetricTable {
  environment_id: string;
  user_id: string;
  metric_id: string;
  total: number;
  updated_at: number;
}

export interface MetricEventTable {
  id: string;
  environment_id: string;
  user_id: string;
  metric_id: string;
  value: number;
  /** JSON object of event-attribute key to value. */
  attributes: string;
  idempotency_key: string | null;
  /** The user's total for the metric right after this event. */
  total: number;
  created_at: number;
}

export interface MetricDailyTable {
  environment_id: string;
  user_id: string;
  metric_id: string;
  /** The user's local date when the events happened. */
  day: string;
  change: number;
}

// The engine's rules define them (the engine imports nothing from store/).
export type { AchievementStatus, AchievementTriggerKind };

export interface AchievementTable {
  id: string;
  environment_id: string;
  key: string;
  name: string;
  description: string | null;
  badge_url: string | null;
  trigger: AchievementTriggerKind;
  status: AchievementStatus;
  metric_id: string | null;
  metric_value: number | null;
  streak_length: number | null;
  /** JSON array of achievement ids (composite trigger). */
  prerequisite_ids: string;
  /** JSON array of {key, value}. */
  user_attributes: string;
  /** JSON array of {key, value} (metric trigger). */
  event_attributes: string;
  /** Years after the user's sign-up date (anniversary trigger, 0014); optional on insert. */
  anniversary_years: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

export interface UserAchievementTable {
  /** The completion id. */
  id: string;
  environment_id: string;
  user_id: string;
  achievement_id: string;
  achieved_at: number;
  /** 1 when granted silently because the user already qualified when the achievement went live. */
  backdated: number;
}

export interface AchievementProgressTable {
  environment_id: string;
  user_id: string;
  achievement_id: string;
  total: number;
}

/** GET/PATCH /admin/v1/settings (0014). */
export interface EnvironmentSettingsTable {
  environment_id: string;
  /** JSON of settings/environment-settings.ts EnvironmentSettings. */
  settings: string;
  updated_at: number;
}

export interface StreakSettingsTable {
  environment_id: string;
  /** JSON of engine/streaks StreakSettings. */
  settings: string;
  updated_at: number;
}

export interface UserStreakTable {
  environment_id: string;
  user_id: string;
  length: number;
  /** Local date the current streak began. */
  started: string | null;
  /** Start of the latest period the streak counts (met, frozen or paused). */
  last_period_start: string | null;
  last_extended_at: number | null;
  freezes: number;
  /** Local date of the next automatic freeze grant. */
  next_freeze_earn: string | null;
  updated_at: number;
}

export interface StreakPeriodTable {
  environment_id: string;
  user_id: string;
  period_start: string;
  period_end: string;
  length: number;
  used_freeze: number;
  used_pause: number;
}

export interface StreakPauseTable {
  id: string;
  environment_id: string;
  user_id: string;
  start_date: string;
  end_date: string;
  status: 'active' | 'archived';
  created_at: number;
}

export interface ScheduledJobTable {
  id: string;
  environment_id: string;
  kind: string;
  subject: string;
  payload: string | null;
  due_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** A job the scheduler gave up on (its payload does not fit its kind), kept with the reason. */
export interface FailedJobTable {
  id: string;
  environment_id: string;
  kind: string;
  subject: string;
  payload: string | null;
  reason: string;
  attempts: number;
  created_at: number;
  failed_at: number;
}

/** Requests counted in an environment's tier in its current window (0013; PostgreSQL's rate limits). */
export interface RateLimitCounterTable {
  environment_id: string;
  tier: string;
  window_start: number;
  count: number;
}

export type UserRow = Selectable<UserTable>;
export type MetricRow = Selectable<MetricTable>;
export type AchievementRow = Selectable<AchievementTable>;
export type UserStreakRow = Selectable<UserStreakTable>;

// ---- The dashboard's accounts (the console API, /console/v1).

export const accountRoles = ['owner', 'member'] as const;
export type AccountRole = (typeof accountRoles)[number];

export interface AccountTable {
  id: string;
  /** Lowercased. */
  email: string;
  /** scrypt, in the versioned format of console/passwords.ts. */
  password_hash: string;
  /** Exactly one owner (a partial unique index); it adds and removes members. */
  role: AccountRole;
  /** 1 while the account still has the one-time password it was created with. */
  must_change_password: number;
  created_at: number;
  last_login_at: number | null;
}

export interface SessionTable {
  /** SHA-256 (hex) of the cookie's token; the token itself is never stored. */
  id: string;
  account_id: string;
  /** Sent back as X-CSRF-Token on every state-changing request the session makes. */
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  /** The earlier of last_seen_at + idle lifetime and created_at + absolute lifetime. */
  expires_at: number;
}

export interface LoginFailureTable {
  /** What is throttled: `email:{lowercased email}` or `ip:{address}`. */
  key: string;
  at: number;
}

// ---- `laurel listen` sessions and their forwards, for `laurel trigger`'s report (listen/).

export interface ListenSessionTable {
  /** Made by the CLI and sent on every connection of the same run. */
  id: string;
  environment_id: string;
  /** The connection holding the session; only it may close the session. */
  connection_id: string;
  /** Where the CLI forwards events, as it said; shown in reports. */
  forward_to: string | null;
  /** JSON array of the types asked for; null for every type. */
  types: string | null;
  first_connected_at: number;
  /** Refreshed with every heartbeat of the connection. */
  seen_at: number;
  closed_at: number | null;
}

export interface ListenForwardTable {
  event_id: string;
  session_id: string;
  /** The local receiver's HTTP status; null when it gave none (see error). */
  status_code: number | null;
  error: string | null;
  latency_ms: number;
  reported_at: number;
}

// ---- Leaderboards: configuration and per-run scoring state (migration 0010 explains the design).

export interface LeaderboardTable {
  id: string;
  environment_id: string;
  key: string;
  name: string;
  description: string | null;
  /** The admin's status (engine AdminStatus); users see the one derived from it and the dates. */
  status: 'inactive' | 'scheduled' | 'active' | 'finished';
  rank_by: 'metric' | 'points' | 'streak';
  /** Set for rank_by metric; null as well once the metric is deleted. */
  metric_id: string | null;
  /** Set for rank_by points; null as well once the system is deleted. */
  points_system_id: string | null;
  max_participants: number;
  /** Local dates, `YYYY-MM-DD`; end inclusive, null for none. */
  start_date: string;
  end_date: string | null;
  /** The daily window, `HH:mm[:ss]` in the user's time zone; null for none. */
  start_time: string | null;
  end_time: string | null;
  /** JSON array of user attribute ids, in the board's order. */
  breakdown_attribute_ids: string;
  run_unit: 'day' | 'month' | 'year' | null;
  run_interval: number | null;
  created_at: number;
  updated_at: number;
}

/** A user's score in one run of one board, whether or not they hold a place. */
export interface LeaderboardScoreTable {
  leaderboard_id: string;
  /** The run's first local date. */
  run_start: string;
  user_id: string;
  /** Metric event values, points or streak length counted so far (metric sums are decimals). */
  total: number;
  /** The integer the user ranks by. */
  value: number;
  /** When `value` was reached: earlier ranks higher among equal values. */
  reached_at: number;
  /** The breakdown group (engine groupKey: JSON array of values, `[]` without breakdowns); null for none. */
  group_key: string | null;
  updated_at: number;
}

export interface LeaderboardGroupTable {
  leaderboard_id: string;
  run_start: string;
  /** leaderboards/group-id.ts: a short hash of group_key. */
  group_id: string;
  group_key: string;
  /** Its places (leaderboard_members rows), kept by triggers (migration 0011). */
  size: Generated<number>;
}

/** A place on a board: at most maxParticipants per (board, run, group). */
export interface LeaderboardMemberTable {
  leaderboard_id: string;
  run_start: string;
  user_id: string;
  group_id: string;
  /** Copies of the user's score's value and reached_at, in ranking order in the index. */
  value: number;
  reached_at: number;
}

/** A user's standing at the end of a local date on which it changed (engine HistoryRow). */
export interface LeaderboardRankHistoryTable {
  leaderboard_id: string;
  run_start: string;
  user_id: string;
  date: string;
  previous_rank: number | null;
  rank: number | null;
  previous_value: number | null;
  value: number | null;
}

/** The 15-minute throttle of leaderboard.changed (user_id '') and leaderboard.rank_changed (per user). */
export interface LeaderboardThrottleTable {
  leaderboard_id: string;
  type: 'leaderboard.changed' | 'leaderboard.rank_changed';
  user_id: string;
  /** engine/throttle.ts ThrottleState: when the last delivery went out, null for never. */
  last_sent_at: number | null;
  /** JSON of the merged payload waiting for the trailing delivery; null for none. */
  pending: string | null;
  updated_at: number;
}

export type LeaderboardRow = Selectable<LeaderboardTable>;

// ---- Points: configuration and per-user state (migration 0009 explains the design).

export interface PointsSystemTable {
  id: string;
  environment_id: string;
  key: string;
  name: string;
  /** '' when there is none (the Admin API's form; the Application API shows null). */
  description: string;
  badge_url: string | null;
  /** Upper bound of every user's total; null = none. */
  max_points: number | null;
  status: 'active' | 'archived';
  created_at: number;
  updated_at: number;
}

export type PointsTriggerType = 'metric' | 'achievement' | 'streak' | 'time' | 'user_creation';

export interface PointsTriggerTable {
  id: string;
  environment_id: string;
  system_id: string;
  type: PointsTriggerType;
  /** Never 0: positive awards, negative deducts. */
  points: number;
  /** `archived` is a deleted trigger, kept so that past awards can still show it. */
  status: 'active' | 'inactive' | 'archived';
  metric_id: string | null;
  metric_threshold: number | null;
  /** JSON array of AttributeFilter (event attributes; metric triggers). */
  event_attributes: string;
  streak_length: number | null;
  achievement_id: string | null;
  /** The Application API's spelling; the Admin API's `hours`/`days` are mapped on the way in and out. */
  time_unit: 'hour' | 'day' | null;
  time_interval: number | null;
  /** JSON array of AttributeFilter (user attributes). */
  user_attributes: string;
  block_if_out_of_points: number;
  /**
   * When the trigger last became active; null while it never was. Metric progress and time
   * schedules count from here: a user's progress row made under another activation is stale.
   */
  activated_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PointsLevelTable {
  id: string;
  environment_id: string;
  system_id: string;
  /** Unique in the system; fixed once created. */
  key: string;
  name: string;
  description: string;
  badge_url: string | null;
  /** The total at which the level is reached (>= 0). */
  points: number;
  created_at: number;
  updated_at: number;
}

export interface PointsBoostTable {
  id: string;
  environment_id: string;
  system_id: string;
  name: string;
  /** Local dates of the window, both inclusive; end null = open-ended. */
  start_date: string;
  end_date: string | null;
  multiplier: number;
  rounding: 'down' | 'up' | 'nearest';
  /** Set for a boost given to one user (then user_attributes is `[]`); such a row is per-user state. */
  user_id: string | null;
  /** JSON array of AttributeFilter. */
  user_attributes: string;
  /** 1 for boosts made through the Admin API; 0 for a dashboard boost not activated yet. */
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** A user's total in one system. */
export interface UserPointsTable {
  environment_id: string;
  user_id: string;
  system_id: string;
  total: number;
  /**
   * The level the user's last points change put them at: points.level_changed compares the next
   * one with it. Reads work out the level from the total and the current levels instead.
   */
  level_id: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * One user's accounting for one trigger, counted since the trigger's activation `activated_at`
 * (a row whose activation differs from the trigger's is stale: treat it as no progress).
 * Metric triggers use progress, high_water and firings (engine MetricTriggerProgress); time
 * triggers use anchor_at (engine timeAnchor), counted_until (due times up to here are awarded),
 * next_due_at (when the next tick is due) and firings.
 */
export interface UserPointsTriggerTable {
  environment_id: string;
  user_id: string;
  trigger_id: string;
  system_id: string;
  activated_at: number;
  progress: number;
  high_water: number;
  firings: number;
  anchor_at: number | null;
  counted_until: number | null;
  next_due_at: number | null;
  updated_at: number;
}

/** The awards log: one row per award actually applied (never 0). */
export interface PointsAwardTable {
  id: string;
  environment_id: string;
  user_id: string;
  system_id: string;
  trigger_id: string;
  awarded: number;
  /** The user's total right after this award. */
  total: number;
  /** JSON array of the ids of the boosts that multiplied it. */
  boost_ids: string;
  /** The user's local date at the award, for the event summary. */
  day: string;
  created_at: number;
}

/** engine/throttle.ts's ThrottleState for points.changed, per user and system. */
export interface PointsChangedThrottleTable {
  system_id: string;
  user_id: string;
  environment_id: string;
  last_sent_at: number | null;
  /** JSON of the merged points.changed payload waiting for the trailing delivery; null = none. */
  pending: string | null;
  updated_at: number;
}
