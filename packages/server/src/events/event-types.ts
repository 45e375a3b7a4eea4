/** The webhook event types Laurel sends, in the order Trophy's API reference lists them. */
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

export function isEventType(x: string): x is EventType {
  return known.has(x);
}

/** Groups used by the dashboard to lay out the subscription checkboxes. */
export const eventAreas = ['achievements', 'streaks', 'points', 'leaderboards', 'emails'] as const;

export type EventArea = (typeof eventAreas)[number];
