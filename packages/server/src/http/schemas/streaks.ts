import { z } from 'zod';
import { adminIssue, deletedResource, objectId } from './common.js';

export const MAX_HISTORY_PERIODS = 100;
const MAX_ITEMS = 100;

const frequencies = ['daily', 'weekly', 'monthly'] as const;

/** A local calendar date, `YYYY-MM-DD`, that exists (2026-02-30 does not). */
const localDate = () => z.iso.date('must be a date written YYYY-MM-DD');

const userId = () => objectId().min(1, 'must not be empty');

/**
 * Trophy's AdminIssue as the streak endpoints send it: these operations are keyed by user, so
 * issues carry `userId` (and `index`, the item's position in the request). Each also repeats
 * `severity` and `message` as `level` and `reason`: SDK 1.0.42 parses these responses with its
 * older BulkInsertIssue `{userId, level, reason}` and throws when those keys are missing.
 */
export const streakAdminIssue = adminIssue.extend({
  userId: z.string().optional(),
  level: z.enum(['error', 'warning']).describe('Same as severity (the name SDK 1.0.42 reads).'),
  reason: z.string().describe('Same as message (the name SDK 1.0.42 reads).'),
});

/** Adds the SDK 1.0.42 spellings (`level`, `reason`) to an issue. */
export function withSdkSpelling<T extends { severity: 'error' | 'warning'; message: string }>(issue: T): T & { level: T['severity']; reason: string } {
  return { ...issue, level: issue.severity, reason: issue.message };
}

// ---- POST /streaks/freezes

export const createStreakFreezesBody = z
  .object({
    freezes: z
      .array(z.strictObject({ userId: userId() }))
      .min(1, 'send at least one freeze')
      .max(MAX_ITEMS, `at most ${MAX_ITEMS} freezes per request`),
  })
  .meta({ id: 'CreateStreakFreezesRequest' });

export const createStreakFreezesResponse = z.object({ issues: z.array(streakAdminIssue) }).meta({ id: 'CreateStreakFreezesResponse' });

// ---- POST / DELETE /streaks/pauses

export const createStreakPausesBody = z
  .object({
    pauses: z
      .array(z.strictObject({ userId: userId(), start: localDate(), end: localDate() }))
      .min(1, 'send at least one pause')
      .max(MAX_ITEMS, `at most ${MAX_ITEMS} pauses per request`)
      .superRefine((items, ctx) => {
        items.forEach((item, index) => {
          if (item.end < item.start) ctx.addIssue({ code: 'custom', path: [index, 'end'], message: `must be on or after start (${item.start})` });
        });
      }),
  })
  .meta({ id: 'CreateStreakPausesRequest' });

export const adminStreakPause = z
  .object({
    id: z.string(),
    userId: z.string(),
    start: z.string(),
    end: z.string(),
    status: z.enum(['active', 'archived']),
  })
  .meta({ id: 'AdminStreakPause' });

export const createStreakPausesResponse = z
  .object({ created: z.array(adminStreakPause), issues: z.array(streakAdminIssue) })
  .meta({ id: 'CreateStreakPausesResponse' });

export const deleteStreakPausesResponse = z
  .object({ deleted: z.array(deletedResource), issues: z.array(streakAdminIssue) })
  .meta({ id: 'DeleteStreakPausesResponse' });

// ---- POST /streaks/restore

export const restoreStreaksBody = z
  .object({
    users: z
      .array(z.strictObject({ id: userId() }))
      .min(1, 'send at least one user')
      .max(MAX_ITEMS, `at most ${MAX_ITEMS} users per request`),
  })
  .meta({ id: 'RestoreStreaksRequest' });

export const restoreStreaksResponse = z
  .object({ restoredUsers: z.array(z.string()), issues: z.array(streakAdminIssue) })
  .meta({ id: 'RestoreStreaksResponse' });

// ---- GET / PUT /streaks/settings (Laurel extension)

const positiveIntOrNull = (what: string) => z.number().int(`${what} must be a whole number`).min(1, `${what} must be at least 1`).nullable();

const freezeSettings = z
  .strictObject({
    enabled: z.boolean(),
    initial: z.number().int().min(0).default(0).describe('Freezes granted once, when a user is first identified (at most max).'),
    max: z.number().int().min(0).max(100).default(0).describe('The most freezes a user can hold (0-100); automatic earning and admin grants never exceed it.'),
    autoEarnInterval: positiveIntOrNull('autoEarnInterval').default(null).describe('Days between automatic grants; null turns auto-earn off.'),
    autoEarnAmount: positiveIntOrNull('autoEarnAmount').default(null).describe('Freezes per automatic grant; null turns auto-earn off.'),
  })
  .superRefine((value, ctx) => {
    if (value.initial > value.max) ctx.addIssue({ code: 'custom', path: ['initial'], message: `must not exceed max (${value.max})` });
    if ((value.autoEarnInterval === null) !== (value.autoEarnAmount === null)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.autoEarnInterval === null ? 'autoEarnInterval' : 'autoEarnAmount'],
        message: 'autoEarnInterval and autoEarnAmount are set together (both numbers for auto-earn, both null for none)',
      });
    }
  });

/** Trophy's daysOff: weekday numbers as JavaScript's Date.getDay (0 = Sunday ... 6 = Saturday), unique, at most 6. */
export const daysOff = z
  .array(z.number().int('must be a whole number').min(0, 'must be a weekday number 0-6 (0 = Sunday)').max(6, 'must be a weekday number 0-6 (0 = Sunday)'))
  .max(6, 'at most 6 days off')
  .superRefine((days, ctx) => {
    if (new Set(days).size !== days.length) ctx.addIssue({ code: 'custom', message: 'must not list a day twice' });
  });

const weekStartMessage = 'must be a day number: 0 = Sunday, 1 = Monday ... 6 = Saturday';

const DISABLED_FREEZES = { enabled: false, initial: 0, max: 0, autoEarnInterval: null, autoEarnAmount: null };

/**
 * The whole streak configuration of an environment. PUT replaces it: fields left out take their
 * defaults (not their previous values). `ALL` is accepted as a synonym of `AND` (Trophy's docs use
 * it); responses always say `AND`.
 */
export const streakSettingsBody = z
  .strictObject({
    enabled: z.boolean(),
    frequency: z.enum(frequencies),
    conditions: z
      .array(
        z.strictObject({
          metricKey: z.string().min(1, 'must not be empty'),
          threshold: z.number().positive('must be greater than 0').describe('Minimum sum of the metric within one period.'),
        }),
      )
      .max(MAX_ITEMS, `at most ${MAX_ITEMS} conditions`)
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, index) => {
          if (seen.has(item.metricKey)) ctx.addIssue({ code: 'custom', path: [index, 'metricKey'], message: `metric "${item.metricKey}" is listed twice` });
          seen.add(item.metricKey);
        });
      }),
    evaluationMode: z
      .enum(['AND', 'OR', 'ALL'])
      .default('AND')
      .transform((mode): 'AND' | 'OR' => (mode === 'ALL' ? 'AND' : mode)),
    weekStart: z
      .number({ error: weekStartMessage })
      .int(weekStartMessage)
      .min(0, weekStartMessage)
      .max(6, weekStartMessage)
      .default(0).describe('First day of a week: 0 = Sunday ... 6 = Saturday.'),
    freezes: freezeSettings.default(DISABLED_FREEZES),
    personalization: z.boolean().default(false).describe("Whether users' streak preferences may override conditions, evaluation mode and days off."),
    daysOff: daysOff.default([]).describe('Weekdays (0 = Sunday ... 6 = Saturday) that neither extend nor break a daily streak.'),
  })
  .superRefine((value, ctx) => {
    if (value.enabled && value.conditions.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'at least one condition is required while the streak is enabled' });
    }
  })
  .meta({ id: 'ReplaceStreakSettings' });

export type StreakSettingsBody = z.output<typeof streakSettingsBody>;

const trophyFreezes = z.object({
  startCount: z.number().int(),
  maxCount: z.number().int(),
  autoEarnInterval: z.number().int().nullable(),
  autoEarnAmount: z.number().int().nullable(),
});

export const streakSettingsResponse = z
  .object({
    frequency: z.enum(frequencies),
    evaluationMode: z.enum(['AND', 'OR']),
    customizationEnabled: z.boolean(),
    daysOff: z.array(z.number().int()),
    metrics: z.array(z.object({ key: z.string(), threshold: z.number() })),
    freezes: trophyFreezes.nullable().describe('null when freezes are off.'),
    enabled: z.boolean().describe('Laurel extension: false until a streak is configured; every length stays 0 while false.'),
    weekStart: z.number().int().describe('Laurel extension: first day of a week, 0 = Sunday ... 6 = Saturday.'),
    personalization: z.boolean().describe('Laurel extension: the same as customizationEnabled.'),
    conditions: z
      .array(
        z.object({
          metricId: z.string(),
          metricKey: z.string().nullable().describe('null when the metric has been deleted since.'),
          threshold: z.number(),
        }),
      )
      .describe('Laurel extension: the metrics with their ids, deleted ones included.'),
  })
  .meta({ id: 'StreakSettings' });

/** Trophy's UpdateStreakSettingsFreezes: the whole freeze configuration (null turns freezes off). */
const updateFreezes = z
  .strictObject({
    startCount: z.number().int('must be a whole number').min(0).max(100),
    maxCount: z.number().int('must be a whole number').min(1).max(100),
    autoEarnInterval: z.number().int('must be a whole number').min(1).max(365).nullable().optional(),
    autoEarnAmount: z.number().int('must be a whole number').min(1).max(10).nullable().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.maxCount < value.startCount) ctx.addIssue({ code: 'custom', path: ['maxCount'], message: `must be at least startCount (${value.startCount})` });
    if ((value.autoEarnInterval == null) !== (value.autoEarnAmount == null)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.autoEarnInterval == null ? 'autoEarnInterval' : 'autoEarnAmount'],
        message: 'autoEarnInterval and autoEarnAmount are set together (both numbers for auto-earn, both left out or null for none)',
      });
    }
  });

/** Trophy's UpdateStreakSettingsRequest, plus Laurel's `enabled` and `weekStart`. */
export const updateStreakSettingsBody = z
  .strictObject({
    frequency: z.enum(frequencies).optional(),
    evaluationMode: z.enum(['AND', 'OR']).optional(),
    customizationEnabled: z.boolean().optional(),
    daysOff: daysOff.optional(),
    metrics: z
      .array(z.strictObject({ key: z.string().min(1, 'must not be empty'), threshold: z.number().int('must be a whole number').min(1).max(10000) }))
      .min(1, 'at least one metric')
      .max(MAX_ITEMS, `at most ${MAX_ITEMS} metrics`)
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, index) => {
          if (seen.has(item.key)) ctx.addIssue({ code: 'custom', path: [index, 'key'], message: `metric "${item.key}" is listed twice` });
          seen.add(item.key);
        });
      })
      .optional(),
    freezes: updateFreezes.nullable().optional(),
    enabled: z.boolean().optional().describe('Laurel extension. Left out: sending metrics turns the streak on, otherwise it is kept.'),
    weekStart: z.number().int(weekStartMessage).min(0, weekStartMessage).max(6, weekStartMessage).optional().describe('Laurel extension: first day of a week.'),
  })
  .default({})
  .meta({ id: 'UpdateStreakSettingsRequest' });

// ---- POST /streaks/reset (Trophy SDK 1.26)

export const resetStreaksBody = z
  .object({
    users: z
      .array(z.strictObject({ id: userId() }))
      .min(1, 'send at least one user')
      .max(MAX_ITEMS, `at most ${MAX_ITEMS} users per request`),
  })
  .meta({ id: 'ResetStreaksRequest' });

export const resetStreaksResponse = z.object({ resetUsers: z.array(z.string()), issues: z.array(streakAdminIssue) }).meta({ id: 'ResetStreaksResponse' });

// ---- Application API: GET /users/{id}/streak, GET /streaks

export const streakQuery = z.object({
  historyPeriods: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_HISTORY_PERIODS, `must be at most ${MAX_HISTORY_PERIODS}`)
    .default(7),
});

/** `?userIds=a&userIds=b` (what the SDK sends) or `?userIds=a,b` (what the docs show); repeated ids count once. */
export const userIdsQuery = z.object({
  userIds: z
    .union([z.string(), z.array(z.string())], { error: 'is required: give ?userIds=a,b or ?userIds=a&userIds=b' })
    .transform((value) => [...new Set((Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))])
    .pipe(z.array(objectId()).min(1, 'at least one user id is required').max(MAX_ITEMS, `at most ${MAX_ITEMS} user ids per request`)),
});

/** BaseStreakResponse's fields (exported for the other responses that embed a streak). */
export const baseStreakResponseShape = {
  length: z.number().int(),
  frequency: z.enum(frequencies),
  started: z.string().nullable(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  expires: z.string().nullable(),
  freezes: z.number().int().optional().describe('Only present when freezes are enabled.'),
  maxFreezes: z.number().int().optional().describe('Only present when freezes are enabled.'),
  freezeAutoEarnInterval: z.number().int().optional().describe('Only present when freeze auto-earn is enabled.'),
  freezeAutoEarnAmount: z.number().int().optional().describe('Only present when freeze auto-earn is enabled.'),
};

export const streakResponse = z
  .object({
    ...baseStreakResponseShape,
    extended: z.string().nullable().describe('When the streak was last extended (ISO 8601); null while there is no streak.'),
    streakHistory: z.array(
      z.object({
        periodStart: z.string(),
        periodEnd: z.string(),
        length: z.number().int(),
        usedFreeze: z.boolean().optional().describe('Only present when freezes are enabled.'),
        usedPause: z.boolean(),
      }),
    ),
    pauses: z.array(z.object({ id: z.string(), start: z.string(), end: z.string() })),
  })
  .meta({ id: 'StreakResponse' });

export const bulkStreakResponse = z
  .array(z.object({ userId: z.string(), streakLength: z.number().int(), extended: z.string().nullable() }))
  .meta({ id: 'BulkStreakResponse' });
