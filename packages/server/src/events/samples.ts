/**
 * Building blocks for the catalog's sample payloads ("send test event", docs).
 * Everything is a pure function of `now`, so a given instant always yields the same bytes.
 * Dates are UTC calendar dates: samples have no real user time zone to work from.
 */
import type {
  BaseStreakResponse,
  LeaderboardRanking,
  LeaderboardResponse,
  PointsLevel,
  PointsResponse,
  PointsBoost,
  PointsBoostWebhookPayload,
  PointsTrigger,
  StreakHistoryEntry,
  UserAchievementResponse,
  WebhookUser,
} from './payloads.js';

const DAY_MS = 86_400_000;

/** Fixed, made-up v4 UUIDs so samples are stable and look like real ids. */
export const sampleIds = {
  user: '3f6c2a9e-5b1d-4e8a-9c47-1d2b8e6f0a31',
  rival1: '9a0b7c4d-2e3f-4a51-8b6c-7d8e9f0a1b2c',
  rival2: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
  metric: '5e8f1a2b-3c4d-4e5f-9a6b-7c8d9e0f1a2b',
  wordsAchievement: 'b7a1c3d5-e7f9-4b1d-a3c5-e7f9b1d3a5c7',
  streakAchievement: 'd2e4f6a8-b0c2-4d4e-8f6a-b8c0d2e4f6a8',
  pointsSystem: '0e1f2a3b-4c5d-4e6f-a7b8-c9d0e1f2a3b4',
  levelBronze: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  levelSilver: '8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f',
  pointsTrigger: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
  pointsAward: 'a9b8c7d6-e5f4-4a3b-b2c1-d0e9f8a7b6c5',
  boost: '4d5e6f7a-8b9c-4d0e-a1f2-a3b4c5d6e7f8',
  leaderboard: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
} as const;

export function shiftDays(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/** YYYY-MM-DD (UTC) of `now` moved by `days`. */
export function isoDate(now: Date, days = 0): string {
  return shiftDays(now, days).toISOString().slice(0, 10);
}

/** Full ISO date-time of `now` moved by `days`. */
export function isoDateTime(now: Date, days = 0): string {
  return shiftDays(now, days).toISOString();
}

export function sampleUser(now: Date): WebhookUser {
  return {
    id: sampleIds.user,
    email: 'maya.okafor@example.com',
    name: 'Maya Okafor',
    tz: 'Europe/London',
    subscribeToEmails: true,
    subscribedToEmails: true,
    attributes: { plan: 'pro', team: 'editorial' },
    control: false,
    signUpDate: isoDate(now, -120),
    created: isoDateTime(now, -120),
    updated: isoDateTime(now, -2),
  };
}

export function wordsAchievement(achievedAt: string | null): UserAchievementResponse {
  return {
    id: sampleIds.wordsAchievement,
    name: 'Wordsmith',
    trigger: 'metric',
    description: 'Write 10,000 words in total.',
    badgeUrl: 'https://cdn.example.com/badges/wordsmith.png',
    key: 'wordsmith',
    metricId: sampleIds.metric,
    metricValue: 10000,
    metricName: 'Words written',
    userAttributes: [],
    eventAttributes: [],
    achievedAt,
  };
}

export function streakAchievement(achievedAt: string | null): UserAchievementResponse {
  return {
    id: sampleIds.streakAchievement,
    name: 'Week on a roll',
    trigger: 'streak',
    description: 'Keep a daily writing streak going for 7 days.',
    badgeUrl: 'https://cdn.example.com/badges/week-streak.png',
    key: 'week-streak',
    streakLength: 7,
    userAttributes: [],
    achievedAt,
  };
}

export function xpSystem(): PointsResponse {
  return {
    id: sampleIds.pointsSystem,
    key: 'xp',
    name: 'XP',
    description: 'Experience earned by writing every day.',
    badgeUrl: null,
    maxPoints: null,
  };
}

export function bronzeLevel(): PointsLevel {
  return {
    id: sampleIds.levelBronze,
    key: 'bronze',
    name: 'Bronze',
    description: 'Reached at 500 XP.',
    badgeUrl: 'https://cdn.example.com/levels/bronze.png',
    points: 500,
  };
}

export function silverLevel(): PointsLevel {
  return {
    id: sampleIds.levelSilver,
    key: 'silver',
    name: 'Silver',
    description: 'Reached at 1,000 XP.',
    badgeUrl: 'https://cdn.example.com/levels/silver.png',
    points: 1000,
  };
}

export function wordsTrigger(now: Date): PointsTrigger {
  return {
    id: sampleIds.pointsTrigger,
    type: 'metric',
    points: 25,
    status: 'active',
    metricId: sampleIds.metric,
    metricName: 'Words written',
    metricThreshold: 500,
    userAttributes: [],
    eventAttributes: [],
    created: isoDateTime(now, -60),
    updated: isoDateTime(now, -60),
  };
}

/** A weekly metric leaderboard; `start`/`end` are those of the run the event is about. */
export function weeklyLeaderboard(run: { start: string; end: string }): LeaderboardResponse {
  return {
    id: sampleIds.leaderboard,
    name: 'Weekly word count',
    key: 'weekly-words',
    status: 'active',
    description: 'Who writes the most words this week?',
    rankBy: 'metric',
    breakdownAttribute: null,
    breakdownAttributes: [],
    metricKey: 'words-written',
    metricName: 'Words written',
    start: run.start,
    end: run.end,
    startTime: null,
    endTime: null,
    maxParticipants: 100,
    runUnit: 'day',
    runInterval: 7,
  };
}

export function sampleRankings(): LeaderboardRanking[] {
  return [
    { userId: sampleIds.rival1, userName: 'Tomás Ruiz', rank: 1, value: 5120 },
    { userId: sampleIds.user, userName: 'Maya Okafor', rank: 2, value: 4380 },
    { userId: sampleIds.rival2, userName: null, rank: 3, value: 2975 },
  ];
}

/**
 * A daily streak of `length` as of `now`. If today's activity is already in, the streak
 * started `length - 1` days ago and is safe until tomorrow; otherwise it must be extended today.
 */
export function dailyStreak(now: Date, length: number, extendedToday: boolean): BaseStreakResponse {
  const today = isoDate(now);
  return {
    length,
    frequency: 'daily',
    started: isoDate(now, extendedToday ? 1 - length : -length),
    periodStart: today,
    periodEnd: today,
    expires: extendedToday ? isoDate(now, 1) : today,
    freezes: 1,
    maxFreezes: 3,
    freezeAutoEarnInterval: 7,
    freezeAutoEarnAmount: 1,
  };
}

/** The last `days` daily periods before today, for a streak of `length` not yet extended today. */
export function dailyHistory(now: Date, length: number, days: number): StreakHistoryEntry[] {
  const history: StreakHistoryEntry[] = [];
  for (let ago = days; ago >= 1; ago--) {
    const day = isoDate(now, -ago);
    history.push({ periodStart: day, periodEnd: day, length: Math.max(0, length - ago + 1), usedFreeze: false, usedPause: false });
  }
  return history;
}

export function doubleXpBoost(start: string, end: string): PointsBoost {
  return { id: sampleIds.boost, name: 'Double XP weekend', status: 'active', start, end, multiplier: 2, rounding: 'down' };
}

/** The same boost as announced by the boost webhooks; global, so `userId` is null. */
export function doubleXpBoostPayload(status: 'active' | 'finished', start: string, end: string): PointsBoostWebhookPayload {
  return {
    id: sampleIds.boost,
    name: 'Double XP weekend',
    status,
    userId: null,
    pointsSystemId: sampleIds.pointsSystem,
    pointsSystemKey: 'xp',
    pointsSystemName: 'XP',
    start,
    end,
    multiplier: 2,
    rounding: 'down',
  };
}

/** The most recent complete Sunday-to-Saturday week before `now`. */
export function lastFullWeek(now: Date): { periodStart: string; periodEnd: string } {
  const dow = now.getUTCDay();
  return { periodStart: isoDate(now, -(dow + 7)), periodEnd: isoDate(now, -(dow + 1)) };
}
