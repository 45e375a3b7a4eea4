import { z } from 'zod';
import { eventTypes } from '../../events/event-types.js';
import { deliveryStatuses, attemptTriggers } from '../../store/schema.js';
import { objectId, text } from './common.js';

export const MAX_URL_LENGTH = 2048;

export const eventType = z.enum(eventTypes, {
  error: (issue) =>
    issue.input === undefined
      ? `is required: one of ${eventTypes.join(', ')}`
      : `unknown event type ${JSON.stringify(issue.input)}; expected one of ${eventTypes.join(', ')}`,
});

// Trimmed because a pasted URL often carries a space or newline that would otherwise be stored and shown.
const webhookUrl = text()
  .trim()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .refine(isHttpUrl, 'must be an absolute http or https URL, like https://example.com/webhooks')
  // Credentials in a URL would be shown in every listing and are not sent; the signature is the authentication.
  .refine((value) => !hasCredentials(value), 'must not contain a user name or password; receivers authenticate deliveries by their signature');

export const webhookFields = {
  name: text().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  url: webhookUrl,
  events: z.array(eventType).min(1, 'subscribe to at least one event type'),
  enabled: z.boolean(),
  /** A webhook may ask for a shorter timeout than the server's; never a longer one. */
  timeoutMs: z.number().int().min(1_000).max(60_000).nullable(),
};

// Strict: a misspelt field (`enable: false`) is an error naming it, not silently ignored.
export const createWebhookItem = z.strictObject({
  name: webhookFields.name,
  url: webhookFields.url,
  events: webhookFields.events,
  enabled: webhookFields.enabled.default(true),
  timeoutMs: webhookFields.timeoutMs.optional(),
});

export const updateWebhookItem = z
  .strictObject({
    id: objectId(),
    name: webhookFields.name.optional(),
    url: webhookFields.url.optional(),
    events: webhookFields.events.optional(),
    enabled: webhookFields.enabled.optional(),
    timeoutMs: webhookFields.timeoutMs.optional(),
  })
  .refine((item) => Object.keys(item).length > 1, 'give at least one field to change besides id');

/**
 * Admin API writes take a list even for one item (Trophy's convention); a lone object is the usual
 * slip, so it is told so in words rather than "expected array, received object".
 */
const listOf = (what: string, example: string) => (issue: { code: string; input?: unknown }) =>
  issue.code === 'invalid_type' && issue.input !== null && typeof issue.input === 'object'
    ? `must be a list of ${what}, even for one: ${example}`
    : issue.code === 'invalid_type'
      ? `must be a list of ${what}: ${example}`
      : undefined;

export const createWebhooksBody = z
  .array(createWebhookItem, { error: listOf('webhooks', '[{"name": "...", "url": "...", "events": ["..."]}]') })
  .min(1, 'send at least one webhook')
  .max(100, 'at most 100 webhooks per request');

export const updateWebhooksBody = z
  .array(updateWebhookItem, { error: listOf('changes', '[{"id": "...", "enabled": false}]') })
  .min(1, 'send at least one change')
  .max(100, 'at most 100 changes per request');

export const webhook = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    events: z.array(z.enum(eventTypes)),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    timeoutMs: z.number().nullable(),
    created: z.string(),
    updated: z.string(),
  })
  .meta({ id: 'Webhook' });

export const webhookWithSecret = webhook.extend({ secret: z.string() }).meta({ id: 'WebhookWithSecret' });

export const secretInfo = z
  .object({
    secret: z.string(),
    previousSecrets: z.array(z.object({ secret: z.string(), expires: z.string() })),
  })
  .meta({ id: 'WebhookSecret' });

export const MAX_ROTATION_OVERLAP_SECONDS = 7 * 24 * 3600;

/** Optional as a whole: a bare `POST .../secret/rotate` (no body at all) rotates with the default overlap. */
export const rotateBody = z
  .object({
    /** How long the old secret keeps signing next to the new one; 0 retires it at once. */
    overlapSeconds: z.number().int().min(0).max(MAX_ROTATION_OVERLAP_SECONDS).optional(),
  })
  .nullish();

export const testEventBody = z.object({ type: eventType });

const attempt = z.object({
  number: z.number(),
  trigger: z.enum(attemptTriggers),
  startedAt: z.string(),
  statusCode: z.number().nullable(),
  errorKind: z.string().nullable(),
  errorMessage: z.string().nullable(),
  latencyMs: z.number(),
  responseBody: z.string().nullable(),
  requestHeaders: z.record(z.string(), z.string()),
});

export const deliverySummary = z
  .object({
    id: z.string(),
    eventId: z.string(),
    webhookId: z.string(),
    eventType: z.string(),
    status: z.enum(deliveryStatuses),
    attemptCount: z.number(),
    nextAttemptAt: z.string().nullable(),
    created: z.string(),
    updated: z.string(),
    lastAttempt: attempt.nullable(),
  })
  .meta({ id: 'Delivery' });

export const deliveryDetail = deliverySummary
  .extend({ payload: z.unknown(), attempts: z.array(attempt) })
  .meta({ id: 'DeliveryDetail' });

export const deliveryFilter = z.object({
  status: z.enum(deliveryStatuses).optional(),
  eventType: eventType.optional(),
});

/** The window of GET /webhooks/stats: deliveries created in the last `hours` hours, up to a week. */
export const MAX_STATS_HOURS = 168;
export const webhookStatsQuery = z.object({
  hours: z.coerce.number().int().min(1).max(MAX_STATS_HOURS).default(24),
});

export const webhookStats = z
  .object({
    webhookId: z.string(),
    total: z.number(),
    succeeded: z.number(),
    failed: z.number(),
    /** pending + delivering + retrying */
    pending: z.number(),
    /** succeeded / (succeeded + failed); null when none finished. */
    successRate: z.number().min(0).max(1).nullable(),
    lastStatus: z.enum(deliveryStatuses).nullable(),
    lastDeliveryAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookStats' });

export const recoverBody = z
  .object({
    since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
    until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  })
  .refine((b) => !b.until || Date.parse(b.until) > Date.parse(b.since), { message: 'until must be after since', path: ['until'] });

function hasCredentials(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.username !== '' || url.password !== '';
}

function isHttpUrl(value: string): boolean {
  // The WHATWG parser also takes "https:example.com" and "https:/example.com"; ask for the full form.
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}
