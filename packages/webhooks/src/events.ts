/**
 * The webhook events Laurel sends: the 18 type names and one body shape per type, field for field
 * with Trophy's public schemas. This file is the single source: the server imports these types
 * to build the bodies it signs, so a receiver's types cannot drift from what is sent.
 *
 * `T | null` fields are required-but-nullable in Trophy's reference, `?` fields are optional.
 * Dates are `YYYY-MM-DD` strings; date-times are ISO 8601 strings.
 */

/** The webhook event types, in the order Trophy's API reference lists them. */
export const eventTypes = [
  'achievement.completed',
  'streak.started',
  'streak.extended',
  'streak.lost',
  'streak.freeze_consumed',
  'streak.freeze_earned',
  'points.changed',
  'points.level_changed',
  'points.boost_started',
  'points.boost_finished',
  'leaderboard.started',
  'leaderboard.changed',
  'leaderboard.finished',
  'emails.recap_due',
  'emails.reactivation_due',
  'emails.streak_reminder_due',
  'emails.achievement_due',
  'leaderboard.rank_changed',
] as const;

export type EventType = (typeof eventTypes)[number];

// A Set rather than `in` on an object, so names like "toString" are not mistaken for types.
const known: ReadonlySet<string> = new Set(eventTypes);

/** True for the 18 types this version knows. A newer server may send types that are not listed yet. */
export function isEventType(x: string): x is EventType {
  return known.has(x);
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface User {
  id: string;
  email: string | null;
  name: string | null;
  tz: string | null;
  deviceTokens?: string[] | null;
  subscribeToEmails: boolean;
  attributes: Record<string, string>;
  control: boolean;
  /** `YYYY-MM-DD`, or null when unset (spec 1.24.0 requires the field). */
  signUpDate: string | null;
  created: string;
  updated: string;
}

/** Trophy's own webhook examples spell the flag `subscribedToEmails`, so webhook bodies carry both. */
export interface WebhookUser extends User {
  subscribedToEmails: boolean;
}

export type AchievementTrigger = 'metric' | 'streak' | 'api' | 'achievement' | 'anniversary';

export interface AchievementResponse {
  id: string;
  name: string;
  trigger: AchievementTrigger;
  description: string | null;
  badgeUrl: string | null;
  key?: string;
  streakLength?: number;
  /** Only for `anniversary` achievements: the whole years after the user's sign-up date. */
  anniversaryYears?: number;
  achievementIds?: string[];
  metricId?: string;
  metricValue?: number;
  metricName?: string;
  userAttributes: KeyValue[];
  /** @deprecated superseded by `eventAttributes` */
  eventAttribute?: KeyValue;
  eventAttributes?: KeyValue[];
}

export interface UserAchievementResponse extends AchievementResponse {
  achievedAt: string | null;
}

export type StreakFrequency = 'daily' | 'weekly' | 'monthly';

export interface BaseStreakResponse {
  length: number;
  frequency: StreakFrequency;
  started: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  expires: string | null;
  freezes?: number;
  maxFreezes?: number;
  freezeAutoEarnInterval?: number;
  freezeAutoEarnAmount?: number;
}

export interface StreakHistoryEntry {
  periodStart: string;
  periodEnd: string;
  length: number;
  usedFreeze?: boolean;
  usedPause: boolean;
}

export interface StreakPause {
  id: string;
  start: string;
  end: string;
}

export interface StreakResponse extends BaseStreakResponse {
  /** When the streak was last extended (date-time), or null. */
  extended: string | null;
  streakHistory: StreakHistoryEntry[];
  pauses: StreakPause[];
}

export interface PointsResponse {
  id: string;
  key: string;
  name: string;
  description: string | null;
  badgeUrl: string | null;
  maxPoints: number | null;
}

export interface PointsLevel {
  id: string;
  key: string;
  name: string;
  description: string;
  badgeUrl: string | null;
  points: number;
}

export type PointsTriggerType = 'metric' | 'achievement' | 'streak' | 'time' | 'user_creation';

export interface PointsTrigger {
  id: string;
  type: PointsTriggerType;
  points: number;
  status: 'active' | 'inactive' | 'archived';
  achievementId?: string;
  metricId?: string;
  metricName?: string;
  metricThreshold?: number;
  streakLengthThreshold?: number;
  achievementName?: string;
  timeUnit?: 'hour' | 'day';
  timeInterval?: number;
  userAttributes: KeyValue[];
  /** @deprecated superseded by `eventAttributes` */
  eventAttribute?: KeyValue;
  eventAttributes?: KeyValue[];
  created: string;
  updated: string;
}

export type BoostRounding = 'down' | 'up' | 'nearest';

export interface PointsBoost {
  id: string;
  name: string;
  status: 'active' | 'scheduled' | 'finished';
  start: string;
  end: string | null;
  multiplier: number;
  rounding: BoostRounding;
}

// The reference marks nothing required here; Laurel always sends the full award.
export interface PointsAward {
  id: string;
  awarded: number;
  date: string;
  total: number;
  trigger: PointsTrigger;
  boosts?: PointsBoost[];
}

export interface MetricEventPointsResponse extends PointsResponse {
  total: number;
  /** Present only when the level changed; null means the user no longer has a level. */
  level?: PointsLevel | null;
  added: number;
  awards: PointsAward[];
}

export interface PointsWithTotal extends PointsResponse {
  total: number;
}

export interface PointsBoostWebhookPayload {
  id: string;
  name: string;
  status: 'active' | 'finished';
  /** null for a boost that applies to everyone. */
  userId: string | null;
  pointsSystemId: string;
  pointsSystemKey: string;
  pointsSystemName: string;
  start: string;
  end: string | null;
  multiplier: number;
  rounding: BoostRounding;
}

export type LeaderboardStatus = 'active' | 'scheduled' | 'finished';

export interface LeaderboardResponse {
  id: string;
  name: string;
  key: string;
  // Required by the reference but only typed on the "with rankings" variant; same values.
  status: LeaderboardStatus;
  description: string | null;
  rankBy: 'points' | 'streak' | 'metric';
  /** @deprecated superseded by `breakdownAttributes` */
  breakdownAttribute: string | null;
  breakdownAttributes: string[];
  metricKey?: string;
  metricName?: string;
  pointsSystemKey?: string;
  pointsSystemName?: string;
  start: string;
  end: string | null;
  /** HH:MM or HH:MM:SS */
  startTime: string | null;
  endTime: string | null;
  maxParticipants: number | null;
  runUnit: 'day' | 'month' | 'year' | null;
  runInterval: number | null;
}

export interface LeaderboardRanking {
  userId: string;
  userName: string | null;
  rank: number;
  value: number;
}

export interface LeaderboardResponseWithRankings extends LeaderboardResponse {
  rankings: LeaderboardRanking[];
}

export interface UserLeaderboardResponse extends LeaderboardResponse {
  rank: number | null;
  value: number | null;
}

export interface WebhookUserLeaderboardResponse extends UserLeaderboardResponse {
  previousRank: number | null;
  previousValue: number | null;
}

// ---- One body per event type ----

export interface AchievementCompletedPayload {
  type: 'achievement.completed';
  user: WebhookUser;
  achievement: UserAchievementResponse;
}

export interface StreakStartedPayload {
  type: 'streak.started';
  user: WebhookUser;
  streak: BaseStreakResponse;
}

export interface StreakExtendedPayload {
  type: 'streak.extended';
  user: WebhookUser;
  streak: BaseStreakResponse;
}

export interface StreakLostPayload {
  type: 'streak.lost';
  user: WebhookUser;
  /** Length of the streak that was lost. */
  length: number;
}

export interface StreakFreezeConsumedPayload {
  type: 'streak.freeze_consumed';
  user: WebhookUser;
  consumed: number;
  /** Freezes left afterwards. */
  freezes: number;
}

export interface StreakFreezeEarnedPayload {
  type: 'streak.freeze_earned';
  user: WebhookUser;
  earned: number;
  /** Freeze balance afterwards. */
  freezes: number;
}

export interface PointsChangedPayload {
  type: 'points.changed';
  user: WebhookUser;
  points: MetricEventPointsResponse;
}

export interface PointsLevelChangedPayload {
  type: 'points.level_changed';
  user: WebhookUser;
  points: PointsWithTotal;
  previousLevel: PointsLevel | null;
  newLevel: PointsLevel | null;
}

export interface PointsBoostStartedPayload {
  type: 'points.boost_started';
  timestamp: string;
  boost: PointsBoostWebhookPayload;
}

export interface PointsBoostFinishedPayload {
  type: 'points.boost_finished';
  timestamp: string;
  boost: PointsBoostWebhookPayload;
}

export interface LeaderboardStartedPayload {
  type: 'leaderboard.started';
  leaderboard: LeaderboardResponseWithRankings;
}

export interface LeaderboardChangedPayload {
  type: 'leaderboard.changed';
  leaderboard: LeaderboardResponseWithRankings;
}

export interface LeaderboardFinishedPayload {
  type: 'leaderboard.finished';
  leaderboard: LeaderboardResponseWithRankings;
}

export interface EmailsRecapDuePayload {
  type: 'emails.recap_due';
  timestamp: string;
  user: WebhookUser;
  recap: { periodStart: string; periodEnd: string };
}

export interface EmailsReactivationDuePayload {
  type: 'emails.reactivation_due';
  timestamp: string;
  user: WebhookUser;
  reactivation: { messageNumber: number; daysSinceLastActive: number };
}

export interface EmailsStreakReminderDuePayload {
  type: 'emails.streak_reminder_due';
  timestamp: string;
  user: WebhookUser;
  streak: StreakResponse;
}

export interface EmailsAchievementDuePayload {
  type: 'emails.achievement_due';
  timestamp: string;
  user: WebhookUser;
  achievement: UserAchievementResponse;
}

export interface LeaderboardRankChangedPayload {
  type: 'leaderboard.rank_changed';
  user: WebhookUser;
  leaderboard: WebhookUserLeaderboardResponse;
}

/**
 * Every body Laurel sends, discriminated on `type`: `switch (event.type)` narrows each case to its
 * own payload. Keep a `default` branch: a newer server may send a type this version does not list.
 */
export type WebhookEvent =
  | AchievementCompletedPayload
  | StreakStartedPayload
  | StreakExtendedPayload
  | StreakLostPayload
  | StreakFreezeConsumedPayload
  | StreakFreezeEarnedPayload
  | PointsChangedPayload
  | PointsLevelChangedPayload
  | PointsBoostStartedPayload
  | PointsBoostFinishedPayload
  | LeaderboardStartedPayload
  | LeaderboardChangedPayload
  | LeaderboardFinishedPayload
  | EmailsRecapDuePayload
  | EmailsReactivationDuePayload
  | EmailsStreakReminderDuePayload
  | EmailsAchievementDuePayload
  | LeaderboardRankChangedPayload;;

/** The body of one event type, e.g. `EventOf<'streak.lost'>`. */
export type EventOf<T extends EventType> = Extract<WebhookEvent, { type: T }>;

// Compile-time guard: the union and the list of event types must name the same set.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;
export type _EventsCoverEventTypes = AssertTrue<Exact<WebhookEvent['type'], EventType>>;
