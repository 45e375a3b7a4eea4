import { z } from 'zod';
import { triggerTypes } from '../../points/trigger-fields.js';
import { isHttpUrl, MAX_BADGE_URL_LENGTH, MAX_DESCRIPTION_LENGTH, userAttributesQuery } from './achievements.js';
import { configKey, configName, strictItem } from './attributes.js';
import { adminIssue, deletedResource, objectId, text } from './common.js';
import { includeFinishedQuery } from './leaderboards.js';

/** Items per create or update call (Trophy: "Maximum 100 ... per request"). */
export const MAX_POINTS_ITEMS = 100;
/** The largest points value anywhere (trigger points, maxPoints, level thresholds): far below 2^53 for any sum of awards. */
export const MAX_POINTS_VALUE = 1_000_000_000_000;
/** The largest metricThreshold, streakLength and timeInterval. */
export const MAX_TRIGGER_COUNT = 1_000_000;

const oneOf = (values: readonly string[]) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `is required: one of ${values.join(', ')}` : `must be one of ${values.join(', ')}`;

const wholeNumber = (min: number, max: number) =>
  z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** A local calendar date that exists (2026-02-30 does not). */
const date = () => z.iso.date('must be a date written YYYY-MM-DD');

const description = () => text().max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);

/** Trophy's `{url}` badge; null clears it. Trimmed: a pasted URL often carries a space. */
const badge = () =>
  z
    .strictObject({
      url: text()
        .trim()
        .max(MAX_BADGE_URL_LENGTH, `must be at most ${MAX_BADGE_URL_LENGTH} characters`)
        .refine(isHttpUrl, 'must be an absolute http or https URL, like https://example.com/badge.png'),
    })
    .nullable();

const attributeFilter = z.strictObject({
  attributeId: objectId(),
  attributeValue: text().max(255, 'must be at most 255 characters'),
});
const attributeFilters = () => z.array(attributeFilter).max(100, 'at most 100 filters').nullable();

/** A bulk body: a list even for one item (Trophy's convention); a lone object is told so in words. */
const list = <T extends z.ZodType>(item: T, noun: string) =>
  z
    .array(item, {
      error: (issue) =>
        issue.code !== 'invalid_type' ? undefined : `must be a list of ${noun}s${issue.input !== null && typeof issue.input === 'object' ? ', even for one: [{...}]' : ''}`,
    })
    .min(1, `send at least one ${noun}`)
    .max(MAX_POINTS_ITEMS, `at most ${MAX_POINTS_ITEMS} ${noun}s per request`);

// ---- Triggers.

const roundings = ['down', 'up', 'nearest'] as const;
const triggerStatuses = ['active', 'inactive'] as const;
const timeUnits = ['hours', 'days', 'hour', 'day'] as const;

const triggerFields = {
  points: z
    .number()
    .int('must be a whole number')
    .min(-MAX_POINTS_VALUE, `must be at least -${MAX_POINTS_VALUE}`)
    .max(MAX_POINTS_VALUE, `must be at most ${MAX_POINTS_VALUE}`)
    .refine((points) => points !== 0, 'must not be 0: positive points award, negative points deduct'),
  status: z.enum(triggerStatuses, { error: oneOf(triggerStatuses) }),
  userAttributes: attributeFilters(),
  metricId: objectId(),
  metricThreshold: wholeNumber(1, MAX_TRIGGER_COUNT),
  eventAttributes: attributeFilters(),
  achievementId: objectId(),
  streakLength: wholeNumber(1, MAX_TRIGGER_COUNT),
  // The Admin API says hours/days and the Application API hour/day: both are taken.
  timeUnit: z.enum(timeUnits, { error: oneOf(timeUnits) }).transform((unit) => (unit.startsWith('hour') ? ('hour' as const) : ('day' as const))),
  timeInterval: wholeNumber(1, MAX_TRIGGER_COUNT),
  blockIfOutOfPoints: z.boolean(),
};

const optionalTriggerFields = {
  status: triggerFields.status.optional(),
  userAttributes: triggerFields.userAttributes.optional(),
  metricId: triggerFields.metricId.optional(),
  metricThreshold: triggerFields.metricThreshold.optional(),
  eventAttributes: triggerFields.eventAttributes.optional(),
  achievementId: triggerFields.achievementId.optional(),
  streakLength: triggerFields.streakLength.optional(),
  timeUnit: triggerFields.timeUnit.optional(),
  timeInterval: triggerFields.timeInterval.optional(),
  blockIfOutOfPoints: triggerFields.blockIfOutOfPoints.optional(),
};

const triggerType = z.enum(triggerTypes, { error: oneOf(triggerTypes) });

/** Which fields a type takes and needs is checked with the stored data (points/trigger-fields.ts). */
export const createTriggerItem = strictItem({ type: triggerType, points: triggerFields.points, ...optionalTriggerFields }, [], '').meta({ id: 'CreatePointsTrigger' });

export const updateTriggerItem = strictItem({ id: objectId(), type: triggerType.optional(), points: triggerFields.points.optional(), ...optionalTriggerFields }, [], '').meta({
  id: 'UpdatePointsTrigger',
});

// ---- Levels.

const levelFields = { name: configName(), key: configKey(), points: wholeNumber(0, MAX_POINTS_VALUE), description: description(), badge: badge() };

export const createLevelItem = strictItem({ ...levelFields, description: levelFields.description.optional(), badge: levelFields.badge.optional() }, [], '').meta({
  id: 'CreatePointsLevel',
});

export const updateLevelItem = strictItem(
  { id: objectId(), name: levelFields.name.optional(), points: levelFields.points.optional(), description: levelFields.description.optional(), badge: levelFields.badge.optional() },
  ['key'],
  "a level's key is fixed when it is created; create a new level instead",
).meta({ id: 'UpdatePointsLevel' });

// ---- Boosts.

const multiplier = z
  .number()
  .gt(0, 'must be greater than 0')
  .lt(100, 'must be less than 100')
  .refine((value) => value !== 1, 'must not be 1: a multiplier of 1 changes nothing');

const boostFields = {
  name: configName(),
  start: date(),
  end: date().nullable(),
  multiplier,
  rounding: z.enum(roundings, { error: oneOf(roundings) }),
  userId: objectId().nullable(),
  userAttributes: attributeFilters(),
};

export const createBoostItem = strictItem(
  {
    name: boostFields.name,
    start: boostFields.start,
    multiplier: boostFields.multiplier,
    end: boostFields.end.optional(),
    rounding: boostFields.rounding.optional(),
    userId: boostFields.userId.optional(),
    userAttributes: boostFields.userAttributes.optional(),
  },
  [],
  '',
).meta({ id: 'CreatePointsBoost' });

export const updateBoostItem = strictItem(
  {
    id: objectId(),
    name: boostFields.name.optional(),
    start: boostFields.start.optional(),
    end: boostFields.end.optional(),
    multiplier: boostFields.multiplier.optional(),
    rounding: boostFields.rounding.optional(),
    userAttributes: boostFields.userAttributes.optional(),
  },
  ['userId'],
  'who a boost is for is fixed when it is created; delete it and create another',
).meta({ id: 'UpdatePointsBoost' });

// ---- Systems.

const systemFields = { name: configName(), key: configKey(), description: description(), badge: badge(), maxPoints: wholeNumber(1, MAX_POINTS_VALUE).nullable() };

export const createSystemItem = strictItem(
  {
    name: systemFields.name,
    key: systemFields.key,
    description: systemFields.description.optional(),
    badge: systemFields.badge.optional(),
    maxPoints: systemFields.maxPoints.optional(),
    levels: z.array(createLevelItem).max(MAX_POINTS_ITEMS, `at most ${MAX_POINTS_ITEMS} levels`).optional(),
    boosts: z.array(createBoostItem).max(MAX_POINTS_ITEMS, `at most ${MAX_POINTS_ITEMS} boosts`).optional(),
    triggers: z.array(createTriggerItem).max(MAX_POINTS_ITEMS, `at most ${MAX_POINTS_ITEMS} triggers`).optional(),
  },
  [],
  '',
).meta({ id: 'CreatePointsSystem' });

export const updateSystemItem = strictItem(
  {
    id: objectId(),
    name: systemFields.name.optional(),
    description: systemFields.description.optional(),
    badge: systemFields.badge.optional(),
    maxPoints: systemFields.maxPoints.optional(),
  },
  ['key'],
  "a points system's key is fixed when it is created; create a new system instead",
).meta({ id: 'UpdatePointsSystem' });

export const createSystemsBody = list(createSystemItem, 'points system');
export const updateSystemsBody = list(updateSystemItem, 'change');
export const createTriggersBody = list(createTriggerItem, 'trigger');
export const updateTriggersBody = list(updateTriggerItem, 'change');
export const createLevelsBody = list(createLevelItem, 'level');
export const updateLevelsBody = list(updateLevelItem, 'change');
export const createBoostsBody = list(createBoostItem, 'boost');
export const updateBoostsBody = list(updateBoostItem, 'change');

export const systemIdParam = z.object({ systemId: objectId() });
export const systemAndIdParams = z.object({ systemId: objectId(), id: objectId() });

// ---- What the Admin API answers: Trophy's Admin* shapes.

const badgeResponse = z.object({ url: z.string() }).nullable();
const attributeFilterResponse = z.object({ attributeId: z.string(), attributeValue: z.string() });

export const adminPointsSystem = z
  .object({
    id: z.string(),
    name: z.string(),
    key: z.string(),
    description: z.string(),
    status: z.enum(['active', 'archived']),
    badge: badgeResponse,
    maxPoints: z.number().int().nullable(),
  })
  .meta({ id: 'AdminPointsSystem' });

export const adminPointsTrigger = z
  .object({
    id: z.string(),
    type: z.enum(triggerTypes),
    points: z.number().int(),
    status: z.enum(triggerStatuses),
    userAttributes: z.array(attributeFilterResponse),
    metricId: z.string().optional(),
    metricThreshold: z.number().int().optional(),
    eventAttributes: z.array(attributeFilterResponse).optional(),
    achievementId: z.string().optional(),
    streakLength: z.number().int().optional(),
    timeUnit: z.enum(['hours', 'days']).optional(),
    timeInterval: z.number().int().optional(),
    blockIfOutOfPoints: z.boolean(),
  })
  .meta({ id: 'AdminPointsTrigger' });

export const adminPointsLevel = z
  .object({ id: z.string(), name: z.string(), key: z.string(), points: z.number().int(), description: z.string(), badge: badgeResponse })
  .meta({ id: 'AdminPointsLevel' });

const boostStatus = z.enum(['active', 'scheduled', 'finished']);

export const adminPointsBoost = z
  .object({
    id: z.string(),
    name: z.string(),
    status: boostStatus,
    start: z.string(),
    end: z.string().nullable(),
    multiplier: z.number(),
    rounding: z.enum(roundings),
    userId: z.string().nullable(),
    userAttributes: z.array(attributeFilterResponse).optional(),
  })
  .meta({ id: 'AdminPointsBoost' });

export const createdAdminPointsSystem = adminPointsSystem
  .extend({ levels: z.array(adminPointsLevel).optional(), boosts: z.array(adminPointsBoost).optional(), triggers: z.array(adminPointsTrigger).optional() })
  .meta({ id: 'CreatedAdminPointsSystem' });

/** Trophy's AdminIssue with its userId: a boost for a user who does not exist names them. */
const boostIssue = adminIssue.extend({ userId: z.string().optional() });

const created = <T extends z.ZodType>(item: T, issue: z.ZodType = adminIssue) => z.object({ created: z.array(item), issues: z.array(issue) });
const updated = <T extends z.ZodType>(item: T) => z.object({ updated: z.array(item), issues: z.array(adminIssue) });
export const deletedResponse = z.object({ deleted: z.array(deletedResource), issues: z.array(adminIssue) });

export const createSystemsResponse = created(createdAdminPointsSystem).meta({ id: 'CreatePointsSystemsResponse' });
export const updateSystemsResponse = updated(adminPointsSystem).meta({ id: 'UpdatePointsSystemsResponse' });
export const createTriggersResponse = created(adminPointsTrigger).meta({ id: 'CreatePointsTriggersResponse' });
export const updateTriggersResponse = updated(adminPointsTrigger).meta({ id: 'PatchPointsTriggersResponse' });
export const createLevelsResponse = created(adminPointsLevel).meta({ id: 'CreatePointsLevelsResponse' });
export const updateLevelsResponse = updated(adminPointsLevel).meta({ id: 'PatchPointsLevelsResponse' });
export const createBoostsResponse = created(adminPointsBoost, boostIssue).meta({ id: 'CreatePointsBoostsResponse' });
export const updateBoostsResponse = updated(adminPointsBoost).meta({ id: 'PatchPointsBoostsResponse' });

// ---- What the Application API answers: Trophy's PointsSystemResponse, PointsTrigger, PointsBoost, PointsLevel.

const keyValue = z.object({ key: z.string(), value: z.string() });

export const pointsTrigger = z
  .object({
    id: z.string(),
    type: z.enum(triggerTypes),
    points: z.number().int(),
    status: z.enum(['active', 'inactive', 'archived']),
    achievementId: z.string().optional(),
    metricId: z.string().optional(),
    metricName: z.string().optional(),
    metricThreshold: z.number().int().optional(),
    streakLengthThreshold: z.number().int().optional(),
    achievementName: z.string().optional(),
    timeUnit: z.enum(['hour', 'day']).optional(),
    timeInterval: z.number().int().optional(),
    userAttributes: z.array(keyValue),
    eventAttribute: keyValue.optional().meta({ deprecated: true, description: 'Deprecated: the only filter of eventAttributes, when there is exactly one.' }),
    eventAttributes: z.array(keyValue).optional(),
    created: z.string(),
    updated: z.string(),
  })
  .meta({ id: 'PointsTrigger' });

export const pointsSystemResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    badgeUrl: z.string().nullable(),
    maxPoints: z.number().nullable(),
    triggers: z.array(pointsTrigger),
  })
  .meta({ id: 'PointsSystemResponse' });

export const pointsBoost = z
  .object({ id: z.string(), name: z.string(), status: boostStatus, start: z.string(), end: z.string().nullable(), multiplier: z.number(), rounding: z.enum(roundings) })
  .meta({ id: 'PointsBoost' });

export const pointsLevel = z
  .object({ id: z.string(), key: z.string(), name: z.string(), description: z.string(), badgeUrl: z.string().nullable(), points: z.number().int() })
  .meta({ id: 'PointsLevel' });

export const pointsKeyParam = z.object({ key: text().max(255, 'must be at most 255 characters') });

export const pointsBoostsQuery = z.object({
  includeFinished: includeFinishedQuery.meta({ description: "When 'true', boosts past their end date are included." }),
});

// ---- The Application API's reads of users' points: Trophy's PointsRange, PointsAward, GetUserPointsResponse.

export const pointsRange = z
  .object({ from: z.number().int(), to: z.number().int(), users: z.number().int() })
  .meta({ id: 'PointsRange', description: 'Users whose total is from `from` to `to`, both inclusive.' });

export const pointsSummaryQuery = z.object({
  userAttributes: userAttributesQuery.optional().meta({ description: 'attribute:value,attribute:value (or repeated): only users whose attributes match every pair are counted.' }),
});

export const levelSummaryItem = z.object({ level: pointsLevel, users: z.number().int() }).meta({ id: 'PointsLevelSummaryItem' });

export const pointsAward = z
  .object({ id: z.string(), awarded: z.number().int(), date: z.string(), total: z.number().int(), trigger: pointsTrigger, boosts: z.array(pointsBoost) })
  .meta({ id: 'PointsAward' });

export const userPointsResponse = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    badgeUrl: z.string().nullable(),
    maxPoints: z.number().nullable(),
    total: z.number().int(),
    level: pointsLevel.nullable(),
    awards: z.array(pointsAward),
  })
  .meta({ id: 'GetUserPointsResponse' });

/** Trophy: awards 1-100, default 10. */
export const MAX_AWARDS = 100;

export const userPointsQuery = z.object({
  awards: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_AWARDS, `must be at most ${MAX_AWARDS}`)
    .default(10)
    .meta({ description: 'How many of the latest awards to return, newest first.' }),
});

export const userPointsParams = z.object({ id: objectId(), key: pointsKeyParam.shape.key });
