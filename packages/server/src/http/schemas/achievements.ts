import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Parsed } from '../../achievements/achievement-store.js';
import { objectId, text } from './common.js';

export const MAX_BADGE_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 1000;
/** Items per create or update call, like Trophy's other bulk Admin endpoints. */
export const MAX_ACHIEVEMENT_ITEMS = 100;

const triggers = ['metric', 'streak', 'api', 'achievement', 'anniversary'] as const;
const statuses = ['inactive', 'active', 'locked'] as const;

// ---- What clients send (Admin API, a Laurel extension: Trophy keeps achievements in its dashboard).

const oneOf = (values: readonly string[]) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : `must be one of ${values.join(', ')}`;

const filterValue = text().max(255, 'must be at most 255 characters');

const keyFilter = z.strictObject({ key: text().min(1, 'must not be empty').max(255, 'must be at most 255 characters'), value: filterValue });
const idFilter = z
  .strictObject({ attributeId: objectId().min(1, 'must not be empty'), attributeValue: filterValue })
  .transform(({ attributeId, attributeValue }) => ({ attributeId, value: attributeValue }));

/**
 * A filter by attribute id (Trophy's `{attributeId, attributeValue}`) or by attribute key
 * (Laurel's `{key, value}`): an object with `attributeId` is read as Trophy's, so its problems
 * name Trophy's fields.
 */
const attributeFilter = z
  .custom<{ key: string; value: string } | { attributeId: string; value: string }>(() => true)
  .transform((value, ctx) => {
    const schema = typeof value === 'object' && value !== null && 'attributeId' in value ? idFilter : keyFilter;
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: issue.path } as never);
    return z.NEVER;
  })
  .meta({ description: '{attributeId, attributeValue} (Trophy) or {key, value} (Laurel).' });

// Trimmed because a pasted URL often carries a space or newline that would otherwise be stored and shown.
const badgeUrl = text()
  .trim()
  .max(MAX_BADGE_URL_LENGTH, `must be at most ${MAX_BADGE_URL_LENGTH} characters`)
  .refine(isHttpUrl, 'must be an absolute http or https URL, like https://example.com/badge.png')
  .nullable();

const fields = {
  name: text().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  key: text()
    .max(255, 'must be at most 255 characters')
    .regex(/^[a-zA-Z0-9_-]+$/, 'must be letters, digits, - and _ only'),
  trigger: z.enum(triggers, { error: oneOf(triggers) }),
  description: text().max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`).nullable(),
  badgeUrl,
  status: z.enum(statuses, { error: oneOf(statuses) }),
  metricKey: text().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  metricId: objectId(),
  // JSON cannot carry NaN or Infinity and zod refuses them too, so this is any finite number.
  metricValue: z.number(),
  streakLength: z.number().int('must be a whole number').min(1, 'must be at least 1'),
  // Trophy: whole years since the user's sign-up, at least 1.
  anniversaryYears: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
  achievementIds: z.array(objectId()).min(1, 'must list at least one achievement'),
  userAttributes: z.array(attributeFilter),
  eventAttributes: z.array(attributeFilter),
};

const optionalFields = {
  description: fields.description.optional(),
  badgeUrl: fields.badgeUrl.optional(),
  // Trophy's spelling of badgeUrl.
  badge: z.strictObject({ url: badgeUrl.unwrap() }).nullable().optional(),
  status: fields.status.optional(),
  metricKey: fields.metricKey.optional(),
  metricId: fields.metricId.optional(),
  metricValue: fields.metricValue.optional(),
  streakLength: fields.streakLength.optional(),
  anniversaryYears: fields.anniversaryYears.optional(),
  achievementIds: fields.achievementIds.optional(),
  // null clears the filters (Trophy's update).
  userAttributes: fields.userAttributes.nullable().optional(),
  eventAttributes: fields.eventAttributes.nullable().optional(),
};

// Strict: a misspelt field (`metricvalue`) is a problem naming it, not silently ignored.
export const createAchievementItem = z
  .strictObject({ name: fields.name, key: fields.key.optional().describe('Required for api achievements; made from the name for the others when left out.'), trigger: fields.trigger, ...optionalFields })
  .meta({ id: 'CreateAchievementRequestItem' });

export const updateAchievementItem = z
  .strictObject({
    id: objectId(),
    name: fields.name.optional(),
    // Immutable: accepted only when unchanged, so a client may send back what it read.
    key: fields.key.optional(),
    trigger: fields.trigger.optional(),
    ...optionalFields,
  })
  .refine((item) => Object.keys(item).length > 1, 'give at least one field to change besides id')
  .meta({ id: 'UpdateAchievementRequestItem' });

/**
 * Checks one item of a bulk body. Trophy's bulk Admin endpoints report a bad item as an issue
 * ("Name not a string") and still process the others, so items are validated one by one here;
 * only the envelope (an array of 1 to 100 items) is validated by the route.
 */
export function parseItem<T>(schema: z.ZodType<T>, item: unknown): Parsed<T> {
  const result = schema.safeParse(item, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map(describeIssue) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
  return path ? `${path}: ${issueMessage(issue)}` : issueMessage(issue);
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  // zod's own wording ("Invalid input: expected string, received number"), said as Trophy's issues say it.
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}${issue.input === null ? ', not null' : ''}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message;
}

/**
 * The route-level validator of a bulk body: the body must be an array of 1 to `max` items; each
 * item is checked by the handler (with `parseItem`) so one bad item becomes an issue instead of
 * failing the request. The route's `body` schema still describes the items for the API document.
 */
export function bulkBodyValidator<S>(max: number, noun: string): FastifySchemaCompiler<S> {
  const envelope = z.array(z.unknown()).min(1, `send at least one ${noun}`).max(max, `at most ${max} ${noun}s per request`);
  // Every part's schema is a zod schema here (the type only knows the route's whole schema object).
  const compile = validatorCompiler as FastifySchemaCompiler<unknown>;
  return (route) => compile(route.httpPart === 'body' ? { ...route, schema: envelope } : route);
}

// ---- What the API answers: Trophy's AchievementResponse family.

const keyValue = z.object({ key: z.string(), value: z.string() });

const achievementResponseShape = {
  id: z.string(),
  name: z.string(),
  trigger: z.enum(triggers),
  description: z.string().nullable(),
  badgeUrl: z.string().nullable(),
  key: z.string().optional(),
  streakLength: z.number().int().optional(),
  anniversaryYears: z.number().int().optional().describe('Only for anniversary achievements: the whole years after sign-up.'),
  achievementIds: z.array(z.string()).optional(),
  metricId: z.string().optional(),
  metricValue: z.number().optional(),
  metricName: z.string().optional(),
  userAttributes: z.array(keyValue),
  eventAttribute: keyValue.optional().meta({ deprecated: true, description: 'Deprecated: the only filter of eventAttributes, when there is exactly one.' }),
  eventAttributes: z.array(keyValue).optional(),
};

export const achievementResponse = z.object(achievementResponseShape).meta({ id: 'AchievementResponse' });

const achievedAt = z.string().nullable().meta({ description: 'When the user completed the achievement (ISO 8601); null if not completed.' });
const stats = {
  completions: z.number().int().meta({ description: 'The number of users who have completed this achievement.' }),
  rarity: z.number().meta({ description: 'The percentage (0-100) of all users who have completed this achievement.' }),
};

export const userAchievementResponse = z.object({ ...achievementResponseShape, achievedAt }).meta({ id: 'UserAchievementResponse' });

export const achievementWithStatsResponse = z.object({ ...achievementResponseShape, ...stats }).meta({ id: 'AchievementWithStatsResponse' });

export const userAchievementWithStatsResponse = z
  .object({ ...achievementResponseShape, ...stats, achievedAt })
  .meta({ id: 'UserAchievementWithStatsResponse' });

const adminFilter = z.object({
  attributeId: z.string().nullable().describe('null once the attribute has been deleted.'),
  attributeValue: z.string(),
  key: z.string().describe('Laurel extension: the attribute key.'),
  value: z.string().describe('Laurel extension: the same as attributeValue.'),
});

/**
 * The Admin view: Trophy's AdminAchievement (spec 1.24.0) with Laurel's extensions (`key` on every
 * trigger, `badgeUrl`, `metricName`, the deprecated `eventAttribute`, the filters' `key`/`value`,
 * `created`, `updated`).
 */
export const adminAchievement = z
  .object({
    ...achievementResponseShape,
    badge: z.object({ url: z.string() }).nullable(),
    status: z.enum(statuses),
    userAttributes: z.array(adminFilter),
    eventAttributes: z.array(adminFilter).optional(),
    created: z.string(),
    updated: z.string(),
  })
  .meta({ id: 'AdminAchievement' });

/**
 * `userAttributes=plan:premium,region:us-east` (what the docs show) or repeated
 * `userAttributes=plan:premium&userAttributes=region:us-east` (what SDKs send): a map of key to value.
 */
export const userAttributesQuery = z
  .union([z.string(), z.array(z.string())])
  .transform((value, ctx) => {
    const pairs = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    const attributes: Record<string, string> = {};
    for (const pair of pairs) {
      const colon = pair.indexOf(':');
      const key = colon > 0 ? pair.slice(0, colon).trim() : '';
      if (!key) {
        ctx.addIssue({ code: 'custom', message: `"${pair.slice(0, 100)}" is not attribute:value; give userAttributes=key:value,key2:value2` });
        return z.NEVER;
      }
      attributes[key] = pair.slice(colon + 1).trim();
    }
    return attributes;
  })
  .meta({ description: 'Colon-delimited user attributes, attribute:value,attribute:value; only achievements a user with them could unlock are returned.' });

export function isHttpUrl(value: string): boolean {
  // The WHATWG parser also takes "https:example.com" and "https:/example.com"; ask for the full form.
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}
