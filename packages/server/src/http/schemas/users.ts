import { z } from 'zod';
import { isValidTimeZone } from '../../engine/streaks/index.js';
import { notificationTypes } from '../../users/preferences.js';
import { objectId, pagination, text } from './common.js';
import { daysOff } from './streaks.js';

export const MAX_ATTRIBUTES = 100;

const shortText = (max: number) => text().max(max, `must be at most ${max} characters`);

/** Attribute values are strings, as in Trophy; keys are checked against the declared attributes. */
export const attributeMap = z
  .record(shortText(255), shortText(1000))
  .refine((value) => Object.keys(value).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`);

const timeZone = shortText(64).refine(isValidTimeZone, 'must be an IANA time zone name, like Europe/London');

/**
 * Trophy's signUpDate: `YYYY-MM-DD`, or a full ISO 8601 date-time stored as its UTC calendar day.
 * Whether it is later than the user's today needs the clock and the time zone: users/user-store.ts.
 */
export const signUpDate = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a date written YYYY-MM-DD or an ISO 8601 date-time' })
  .transform((value) => (value.length === 10 ? value : new Date(value).toISOString().slice(0, 10)));

// Strict: Trophy's SDK sends only these fields, and a misspelt one should be an error, not ignored.
export const updatedUser = z
  .strictObject({
    email: shortText(320).nullable().optional(),
    name: shortText(255).nullable().optional(),
    tz: timeZone.nullable().optional(),
    deviceTokens: z.array(shortText(4096)).max(100, 'at most 100 device tokens').nullable().optional(),
    subscribeToEmails: z.boolean().optional(),
    attributes: attributeMap.optional(),
    signUpDate: signUpDate.nullable().optional(),
  })
  .meta({ id: 'UpdatedUser' });

export const upsertedUser = updatedUser.extend({ id: objectId().min(1, 'must not be empty') }).meta({ id: 'UpsertedUser' });

export const user = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    tz: z.string().nullable(),
    deviceTokens: z.array(z.string()).nullable().optional(),
    subscribeToEmails: z.boolean(),
    attributes: z.record(z.string(), z.string()),
    control: z.boolean(),
    signUpDate: z.string().nullable().describe('YYYY-MM-DD; null when unset (the user cannot earn anniversary achievements).'),
    created: z.string(),
    updated: z.string(),
  })
  .meta({ id: 'User' });

export const userIdParam = z.object({ id: objectId().min(1) });

const channels = z.array(z.enum(['email', 'push']));
export const notificationPreferences = z
  .strictObject(Object.fromEntries(notificationTypes.map((type) => [type, channels.optional()])) as Record<(typeof notificationTypes)[number], z.ZodOptional<typeof channels>>)
  .meta({ id: 'NotificationPreferences' });

export const streakPreferences = z
  .strictObject({
    enabled: z.boolean().optional(),
    // Trophy's docs call AND "ALL"; both are accepted and AND is stored.
    evaluationMode: z
      .enum(['AND', 'OR', 'ALL'])
      .transform((mode) => (mode === 'ALL' ? 'AND' : mode))
      .optional(),
    metrics: z
      .array(z.strictObject({ key: shortText(255), threshold: z.number().positive() }))
      .max(100)
      .optional(),
    daysOff: daysOff.optional().describe("The user's own days off (0 = Sunday ... 6 = Saturday); used only by a daily streak, and only with personalization on."),
  })
  .meta({ id: 'StreakPreferences' });

export const preferencesUpdate = z.strictObject({ notifications: notificationPreferences.optional(), streak: streakPreferences.optional() });

export const preferencesResponse = z
  .object({
    notifications: z.record(z.string(), channels),
    streak: z.object({ enabled: z.boolean().optional(), evaluationMode: z.enum(['AND', 'OR']).optional(), metrics: z.array(z.object({ key: z.string(), threshold: z.number() })).optional(), daysOff: z.array(z.number().int()).optional() }).optional(),
  })
  .meta({ id: 'UserPreferencesResponse' });

/** GET /admin/v1/users: a page of users, optionally narrowed by an id prefix or an email fragment. */
export const userListQuery = pagination.extend({ search: shortText(320).optional() });

export const userMetricEvent = z
  .object({
    id: z.string(),
    metricId: z.string(),
    metricKey: z.string(),
    metricName: z.string(),
    value: z.number(),
    /** The user's total for the metric right after this event. */
    total: z.number(),
    idempotencyKey: z.string().nullable(),
    created: z.string(),
  })
  .meta({ id: 'UserMetricEvent' });
