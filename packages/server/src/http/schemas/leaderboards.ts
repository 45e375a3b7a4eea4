import { z } from 'zod';
import { ADMIN_STATUSES, MAX_PARTICIPANTS, MAX_RUN_INTERVAL, RANK_BY, RUN_UNITS } from '../../engine/leaderboards/index.js';
import { MAX_DESCRIPTION_LENGTH } from './achievements.js';
import { configKey, configName, strictItem } from './attributes.js';
import { adminIssue, deletedResource, objectId, text } from './common.js';

/** Items per create or update call (Trophy: "Maximum 100 leaderboards per request"). */
export const MAX_LEADERBOARD_ITEMS = 100;
/** Breakdown attributes per board: each must be a distinct user attribute anyway. */
export const MAX_BREAKDOWN_ATTRIBUTES = 100;

const oneOf = (values: readonly string[]) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `is required: one of ${values.join(', ')}` : `must be one of ${values.join(', ')}`;

/** A local calendar date that exists (2026-02-30 does not). */
const date = () => z.iso.date('must be a date written YYYY-MM-DD');

/** Trophy's time-of-day pattern, `HH:mm` or `HH:mm:ss`. */
const timeOfDay = () => z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/, 'must be a time of day written HH:mm or HH:mm:ss');

const fields = {
  name: configName(),
  key: configKey(),
  description: text().max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`).nullable(),
  status: z.enum(ADMIN_STATUSES, { error: oneOf(ADMIN_STATUSES) }),
  rankBy: z.enum(RANK_BY, { error: oneOf(RANK_BY) }),
  metricId: objectId(),
  pointsSystemId: objectId(),
  maxParticipants: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_PARTICIPANTS, `must be at most ${MAX_PARTICIPANTS}`)
    .nullable()
    .meta({ description: 'null means the default, 1000.' }),
  start: date(),
  end: date().nullable(),
  startTime: timeOfDay().nullable(),
  endTime: timeOfDay().nullable(),
  breakdownAttributes: z.array(objectId()).max(MAX_BREAKDOWN_ATTRIBUTES, `must list at most ${MAX_BREAKDOWN_ATTRIBUTES} attributes`),
  runUnit: z.enum(RUN_UNITS, { error: oneOf(RUN_UNITS) }).nullable(),
  runInterval: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_RUN_INTERVAL, `must be at most ${MAX_RUN_INTERVAL}`),
};

const optional = {
  description: fields.description.optional(),
  status: fields.status.optional(),
  metricId: fields.metricId.optional(),
  pointsSystemId: fields.pointsSystemId.optional(),
  maxParticipants: fields.maxParticipants.optional(),
  start: fields.start.optional(),
  end: fields.end.optional(),
  startTime: fields.startTime.optional(),
  endTime: fields.endTime.optional(),
  breakdownAttributes: fields.breakdownAttributes.optional(),
  runUnit: fields.runUnit.optional(),
  runInterval: fields.runInterval.optional(),
};

export const createLeaderboardItem = strictItem({ name: fields.name, key: fields.key, rankBy: fields.rankBy, ...optional }, [], '').meta({
  id: 'CreateLeaderboardRequestItem',
});

export const updateLeaderboardItem = strictItem(
  { id: objectId(), name: fields.name.optional(), key: fields.key.optional(), rankBy: fields.rankBy.optional(), ...optional },
  [],
  '',
).meta({ id: 'UpdateLeaderboardRequestItem' });

export const createLeaderboardsBody = z
  .array(createLeaderboardItem)
  .min(1, 'send at least one leaderboard')
  .max(MAX_LEADERBOARD_ITEMS, `at most ${MAX_LEADERBOARD_ITEMS} leaderboards per request`);

export const updateLeaderboardsBody = z
  .array(updateLeaderboardItem)
  .min(1, 'send at least one change')
  .max(MAX_LEADERBOARD_ITEMS, `at most ${MAX_LEADERBOARD_ITEMS} changes per request`);

// ---- What the APIs answer.

/** Trophy's AdminLeaderboard: unset optional fields are left out; breakdowns are attribute ids. */
export const adminLeaderboard = z
  .object({
    id: z.string(),
    name: z.string(),
    key: z.string(),
    description: z.string().optional(),
    status: z.enum(ADMIN_STATUSES).meta({ description: 'The status users see at the time of the answer, from the status set and the dates.' }),
    rankBy: z.enum(RANK_BY),
    metricId: z.string().optional(),
    pointsSystemId: z.string().optional(),
    maxParticipants: z.number().int(),
    start: z.string(),
    end: z.string().optional(),
    startTime: z.string().optional(),
    endTime: z.string().optional(),
    breakdownAttributes: z.array(z.string()),
    runUnit: z.enum(RUN_UNITS).optional(),
    runInterval: z.number().int().optional(),
  })
  .meta({ id: 'AdminLeaderboard' });

export const createLeaderboardsResponse = z
  .object({ created: z.array(adminLeaderboard), issues: z.array(adminIssue) })
  .meta({ id: 'CreateLeaderboardsResponse' });

export const updateLeaderboardsResponse = z
  .object({ updated: z.array(adminLeaderboard), issues: z.array(adminIssue) })
  .meta({ id: 'UpdateLeaderboardsResponse' });

export const deleteLeaderboardsResponse = z
  .object({ deleted: z.array(deletedResource), issues: z.array(adminIssue) })
  .meta({ id: 'DeleteLeaderboardsResponse' });

/** Trophy's LeaderboardResponse: the nullable fields are always present; breakdowns are attribute keys. */
const leaderboardResponseShape = {
  id: z.string(),
  name: z.string(),
  key: z.string(),
  rankBy: z.enum(RANK_BY),
  breakdownAttribute: z.string().nullable().meta({ deprecated: true, description: 'Deprecated: the only breakdown attribute, when there is exactly one.' }),
  breakdownAttributes: z.array(z.string()),
  metricKey: z.string().optional(),
  metricName: z.string().optional(),
  pointsSystemKey: z.string().optional(),
  pointsSystemName: z.string().optional(),
  description: z.string().nullable(),
  start: z.string(),
  end: z.string().nullable(),
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  maxParticipants: z.number().int(),
  runUnit: z.enum(RUN_UNITS).nullable(),
  runInterval: z.number().int().nullable(),
};

export const visibleLeaderboard = z
  .object({ ...leaderboardResponseShape, status: z.enum(['active', 'scheduled', 'finished']) })
  .meta({ id: 'LeaderboardWithStatus' });

/** A board in a metric event's answer: the current run's dates, the user's rank before and after it, the group's threshold. */
export const metricEventLeaderboardResponse = z
  .object({
    ...leaderboardResponseShape,
    status: z.enum(['active', 'scheduled', 'finished']),
    start: z.string().meta({ description: 'The first date of the run the event counted in.' }),
    end: z.string().nullable().meta({ description: 'The last date of that run; null if it never ends.' }),
    rank: z.number().int().nullable(),
    previousRank: z.number().int().nullable(),
    threshold: z.number().int().meta({ description: "What a newcomer to the user's group must beat: its lowest value when full, else 0." }),
    breakdownAttributeValues: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
    breakdownAttributeValue: z.string().optional().meta({ deprecated: true, description: 'Deprecated: the value of the only breakdown attribute.' }),
  })
  .meta({ id: 'MetricEventLeaderboardResponse' });

/** `includeFinished=true|false`; anything else is a 422 (z.coerce.boolean would read "false" as true). */
export const includeFinishedQuery = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .default('false')
  .transform((value) => value === 'true')
  .meta({ description: "When 'true', finished leaderboards are included." });

// ---- Rankings: Trophy's LeaderboardResponseWithRankings and UserLeaderboardResponseWithHistory.

export const leaderboardRanking = z
  .object({ userId: z.string(), userName: z.string().nullable(), rank: z.number().int(), value: z.number().int() })
  .meta({ id: 'LeaderboardRanking' });

export const leaderboardWithRankings = z
  .object({ ...leaderboardResponseShape, status: z.enum(['active', 'scheduled', 'finished']), rankings: z.array(leaderboardRanking) })
  .meta({ id: 'LeaderboardResponseWithRankings' });

export const leaderboardEvent = z
  .object({
    date: z.string(),
    timestamp: z.string().meta({ deprecated: true, description: 'Deprecated: midnight UTC of `date`.' }),
    previousRank: z.number().int().nullable(),
    rank: z.number().int().nullable(),
    previousValue: z.number().int().nullable(),
    value: z.number().int().nullable(),
  })
  .meta({ id: 'LeaderboardEvent' });

export const userLeaderboardWithHistory = z
  .object({
    ...leaderboardResponseShape,
    status: z.enum(['active', 'scheduled', 'finished']),
    rank: z.number().int().nullable(),
    value: z.number().int().nullable(),
    history: z.array(leaderboardEvent),
  })
  .meta({ id: 'UserLeaderboardResponseWithHistory' });

const wholeNumber = (min: number, max: number) =>
  z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** A run named by any date inside it. */
const runDate = () => date().optional().meta({ description: 'Any date (YYYY-MM-DD) inside the run to read; the current run when absent.' });

export const leaderboardKeyParam = z.object({ key: text().max(255, 'must be at most 255 characters') });
export const userLeaderboardParams = z.object({ id: objectId(), key: leaderboardKeyParam.shape.key });

export const rankingsQuery = z.object({
  offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).default(0).meta({ description: 'Places to skip; with userId, counted from that user.' }),
  limit: wholeNumber(0, MAX_PARTICIPANTS).optional().meta({ description: "At most the leaderboard's maxParticipants; 10 by default (or maxParticipants, if fewer)." }),
  run: runDate(),
  userId: objectId().optional().meta({ description: "Offset counts from this user's place; no rankings when the user holds none." }),
  userAttributes: z
    .union([text(), z.array(text())])
    .optional()
    .meta({ description: 'key:value[,key2:value2]: the breakdown group to read, required on (and only valid for) a leaderboard with breakdown attributes.' }),
});

/** Trophy: numEvents 0-100 days of history, default 10. */
export const MAX_HISTORY_EVENTS = 100;

export const userLeaderboardQuery = z.object({
  run: runDate(),
  numEvents: wholeNumber(0, MAX_HISTORY_EVENTS).default(10).meta({ description: 'How many days of rank history to return, the latest ones.' }),
});
