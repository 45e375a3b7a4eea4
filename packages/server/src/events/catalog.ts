/**
 * The one catalog of webhook event types. API validation, dashboard checkboxes, the OpenAPI
 * document and "send test event" all read from here, so a type is described in one place only.
 */
import { eventTypes, type EventArea, type EventType } from './event-types.js';
import type { EventOf } from './payloads.js';
import {
  bronzeLevel,
  dailyHistory,
  dailyStreak,
  doubleXpBoost,
  doubleXpBoostPayload,
  isoDate,
  isoDateTime,
  lastFullWeek,
  sampleIds,
  sampleRankings,
  sampleUser,
  silverLevel,
  streakAchievement,
  weeklyLeaderboard,
  wordsAchievement,
  wordsTrigger,
  xpSystem,
} from './samples.js';

export interface EventTypeDefinition<T extends EventType> {
  type: T;
  area: EventArea;
  title: string;
  /** One sentence for people choosing which events to subscribe to. */
  description: string;
  /**
   * Whether the engine emits this type today. The others are sent only as test events (the
   * dashboard's test button, `laurel trigger`) until the feature that causes them lands; the
   * dashboard marks them "test events only".
   */
  live: boolean;
  /** A realistic body for this type, fully determined by `now`. */
  sample(now: Date): EventOf<T>;
}

export type AnyEventTypeDefinition = { [T in EventType]: EventTypeDefinition<T> }[EventType];

/**
 * Assembles a body with `type` as its first key. Bodies are signed exactly as serialised,
 * so every producer goes through here to get one stable key order.
 */
export function buildPayload<T extends EventType>(type: T, fields: Omit<EventOf<T>, 'type'>): EventOf<T> {
  return { type, ...fields } as EventOf<T>;
}

export const catalog: { [T in EventType]: EventTypeDefinition<T> } = {
  'achievement.completed': {
    type: 'achievement.completed',
    live: true,
    area: 'achievements',
    title: 'Achievement completed',
    description: 'A user has just unlocked an achievement.',
    sample: (now) =>
      buildPayload('achievement.completed', { user: sampleUser(now), achievement: wordsAchievement(now.toISOString()) }),
  },
  'streak.started': {
    type: 'streak.started',
    live: true,
    area: 'streaks',
    title: 'Streak started',
    description: 'A user with no active streak completed a period, starting a new streak at length one.',
    sample: (now) => buildPayload('streak.started', { user: sampleUser(now), streak: dailyStreak(now, 1, true) }),
  },
  'streak.extended': {
    type: 'streak.extended',
    live: true,
    area: 'streaks',
    title: 'Streak extended',
    description: 'An already active streak grew by one more period.',
    sample: (now) => buildPayload('streak.extended', { user: sampleUser(now), streak: dailyStreak(now, 12, true) }),
  },
  'streak.lost': {
    type: 'streak.lost',
    live: true,
    area: 'streaks',
    title: 'Streak lost',
    description: 'A user missed a period with no freeze to cover it, so their streak reset to zero.',
    sample: (now) => buildPayload('streak.lost', { user: sampleUser(now), length: 9 }),
  },
  'streak.freeze_consumed': {
    type: 'streak.freeze_consumed',
    live: true,
    area: 'streaks',
    title: 'Streak freeze used',
    description: "A streak freeze was spent to bridge a missed period and keep the user's streak alive.",
    sample: (now) => buildPayload('streak.freeze_consumed', { user: sampleUser(now), consumed: 1, freezes: 1 }),
  },
  'streak.freeze_earned': {
    type: 'streak.freeze_earned',
    live: true,
    area: 'streaks',
    title: 'Streak freeze earned',
    description: 'A user gained one or more streak freezes, automatically or by a grant.',
    sample: (now) => buildPayload('streak.freeze_earned', { user: sampleUser(now), earned: 1, freezes: 2 }),
  },
  'points.changed': {
    type: 'points.changed',
    live: true,
    area: 'points',
    title: 'Points changed',
    description: "A user's balance in a points system went up or down; sent at most once per user and system every 15 minutes.",
    sample: (now) =>
      buildPayload('points.changed', {
        user: sampleUser(now),
        points: {
          ...xpSystem(),
          total: 1250,
          added: 50,
          awards: [
            {
              id: sampleIds.pointsAward,
              awarded: 50,
              date: now.toISOString(),
              total: 1250,
              trigger: wordsTrigger(now),
              boosts: [doubleXpBoost(isoDate(now, -1), isoDate(now, 1))],
            },
          ],
        },
      }),
  },
  'points.level_changed': {
    type: 'points.level_changed',
    live: true,
    area: 'points',
    title: 'Level changed',
    description: 'Gaining or losing points moved a user into a different level of a points system.',
    sample: (now) =>
      buildPayload('points.level_changed', {
        user: sampleUser(now),
        points: { ...xpSystem(), total: 1010 },
        previousLevel: bronzeLevel(),
        newLevel: silverLevel(),
      }),
  },
  'points.boost_started': {
    type: 'points.boost_started',
    live: true,
    area: 'points',
    title: 'Points boost started',
    description: 'A points multiplier has become active for everyone or for a single user.',
    // Global boosts are announced the day before their first local date.
    sample: (now) =>
      buildPayload('points.boost_started', {
        timestamp: now.toISOString(),
        boost: doubleXpBoostPayload('active', isoDate(now, 1), isoDate(now, 3)),
      }),
  },
  'points.boost_finished': {
    type: 'points.boost_finished',
    live: true,
    area: 'points',
    title: 'Points boost finished',
    description: 'A points multiplier has reached its end and no longer applies.',
    // Global boosts are closed the day after their last local date.
    sample: (now) =>
      buildPayload('points.boost_finished', {
        timestamp: now.toISOString(),
        boost: doubleXpBoostPayload('finished', isoDate(now, -3), isoDate(now, -1)),
      }),
  },
  'leaderboard.started': {
    type: 'leaderboard.started',
    live: true,
    area: 'leaderboards',
    title: 'Leaderboard run started',
    description: 'A new run of a leaderboard is beginning, with its opening rankings.',
    // Announced the day before the run, so nobody has scored in it yet.
    sample: (now) =>
      buildPayload('leaderboard.started', {
        leaderboard: { ...weeklyLeaderboard({ start: isoDate(now, 1), end: isoDate(now, 7) }), rankings: [] },
      }),
  },
  'leaderboard.changed': {
    type: 'leaderboard.changed',
    live: true,
    area: 'leaderboards',
    title: 'Leaderboard rankings changed',
    description: "The order of a leaderboard's current run changed; sent at most once per leaderboard every 15 minutes.",
    sample: (now) =>
      buildPayload('leaderboard.changed', {
        leaderboard: { ...weeklyLeaderboard(currentRun(now)), rankings: sampleRankings() },
      }),
  },
  'leaderboard.finished': {
    type: 'leaderboard.finished',
    live: true,
    area: 'leaderboards',
    title: 'Leaderboard run finished',
    description: 'A leaderboard run has closed and its final top ten is settled.',
    // Finalised the day after the run's last date.
    sample: (now) =>
      buildPayload('leaderboard.finished', {
        leaderboard: { ...weeklyLeaderboard({ start: isoDate(now, -7), end: isoDate(now, -1) }), rankings: sampleRankings() },
      }),
  },
  'emails.recap_due': {
    type: 'emails.recap_due',
    live: false,
    area: 'emails',
    title: 'Recap message due',
    description: 'A summary of what a user did over the period that just ended is ready to be sent to them.',
    sample: (now) =>
      buildPayload('emails.recap_due', { timestamp: now.toISOString(), user: sampleUser(now), recap: lastFullWeek(now) }),
  },
  'emails.reactivation_due': {
    type: 'emails.reactivation_due',
    live: false,
    area: 'emails',
    title: 'Reactivation message due',
    description: 'A user has been away long enough that the next message in the win-back sequence should go out.',
    sample: (now) =>
      buildPayload('emails.reactivation_due', {
        timestamp: now.toISOString(),
        user: sampleUser(now),
        reactivation: { messageNumber: 2, daysSinceLastActive: 5 },
      }),
  },
  'emails.streak_reminder_due': {
    type: 'emails.streak_reminder_due',
    live: false,
    area: 'emails',
    title: 'Streak reminder due',
    description: "A user's active streak will lapse unless they act this period, so a nudge should be sent.",
    sample: (now) =>
      buildPayload('emails.streak_reminder_due', {
        timestamp: now.toISOString(),
        user: sampleUser(now),
        streak: {
          ...dailyStreak(now, 5, false),
          extended: isoDateTime(now, -1),
          streakHistory: dailyHistory(now, 5, 7),
          pauses: [],
        },
      }),
  },
  'emails.achievement_due': {
    type: 'emails.achievement_due',
    live: false,
    area: 'emails',
    title: 'Achievement message due',
    description: 'A message congratulating a user on an achievement they recently unlocked is ready to be sent.',
    sample: (now) =>
      buildPayload('emails.achievement_due', {
        timestamp: now.toISOString(),
        user: sampleUser(now),
        achievement: streakAchievement(new Date(now.getTime() - 3 * 3_600_000).toISOString()),
      }),
  },
  'leaderboard.rank_changed': {
    type: 'leaderboard.rank_changed',
    live: true,
    area: 'leaderboards',
    title: 'Leaderboard rank changed',
    description: "A user's position on a leaderboard moved; sent at most once per user and leaderboard every 15 minutes.",
    sample: (now) =>
      buildPayload('leaderboard.rank_changed', {
        user: sampleUser(now),
        leaderboard: {
          ...weeklyLeaderboard(currentRun(now)),
          rank: 2,
          value: 4380,
          previousRank: 3,
          previousValue: 2860,
        },
      }),
  },
};

/** Every definition, in the reference's order (for lists such as the dashboard's). */
export const catalogEntries: readonly AnyEventTypeDefinition[] = eventTypes.map((type) => catalog[type]);

function currentRun(now: Date): { start: string; end: string } {
  return { start: isoDate(now, -3), end: isoDate(now, 3) };
}
