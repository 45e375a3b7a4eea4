import { z } from 'zod';
import { userAchievementResponse } from './achievements.js';
import { attributeMap } from './users.js';
import { upsertedUser } from './users.js';
import { text } from './common.js';
import { metricEventLeaderboardResponse } from './leaderboards.js';
import { pointsAward, pointsLevel } from './points.js';

export { userAchievementWithStatsResponse as userAchievementWithStats } from './achievements.js';

export const metricResponse = z
  .object({ id: z.string(), key: z.string(), name: z.string(), status: z.enum(['active', 'archived']), current: z.number(), achievements: z.array(userAchievementResponse) })
  .meta({ id: 'MetricResponse' });

export const summaryPoint = z.object({ date: z.string(), total: z.number(), change: z.number() });

/** BaseStreakResponse's fields; the freeze fields appear only where freezes (and auto-earn) are on. */
export const baseStreakFields = {
  length: z.number().int(),
  frequency: z.enum(['daily', 'weekly', 'monthly']),
  started: z.string().nullable(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  expires: z.string().nullable(),
  freezes: z.number().int().optional(),
  maxFreezes: z.number().int().optional(),
  freezeAutoEarnInterval: z.number().int().optional(),
  freezeAutoEarnAmount: z.number().int().optional(),
};

export const metricEventStreakResponse = z.object({ ...baseStreakFields, extended: z.boolean() }).meta({ id: 'MetricEventStreakResponse' });

export const metricEventBody = z
  .strictObject({
    user: upsertedUser,
    value: z.number({ error: 'is required and must be a finite number' }),
    attributes: attributeMap.optional(),
  })
  .meta({ id: 'MetricEventRequest' });

/** A points system as a write changed it: the total after it, what it added, its awards, `level` only when it moved. */
export const metricEventPointsResponse = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    badgeUrl: z.string().nullable(),
    maxPoints: z.number().nullable(),
    total: z.number().int(),
    level: pointsLevel.nullable().optional().meta({ description: 'Present only when this write changed the level; null: the user no longer has one.' }),
    added: z.number().int(),
    awards: z.array(pointsAward),
  })
  .meta({ id: 'MetricEventPointsResponse' });

export const eventResponse = z
  .object({
    eventId: z.string(),
    metricId: z.string(),
    total: z.number(),
    achievements: z.array(userAchievementResponse),
    currentStreak: metricEventStreakResponse,
    points: z.record(z.string(), metricEventPointsResponse),
    leaderboards: z.record(z.string(), metricEventLeaderboardResponse),
    idempotencyKey: z.string().optional(),
    idempotentReplayed: z.boolean().optional(),
  })
  .meta({ id: 'EventResponse' });

export const idempotencyHeaders = z.object({
  'idempotency-key': text().min(1, 'must not be empty').max(255, 'must be at most 255 characters').optional(),
});
