import { z } from 'zod';
import { eventTypes } from '../../events/event-types.js';
import { deliveryStatuses, attemptTriggers } from '../../store/schema.js';

export const MAX_URL_LENGTH = 2048;

const eventType = z.enum(eventTypes, {
  error: (issue) => `unknown event type ${JSON.stringify(issue.input)}; expected one of ${eventTypes.join(', ')}`,
});

const webhookUrl = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .refine(isHttpUrl, 'must be an absolute http or https URL');

export const webhookFields = {
  name: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  url: webhookUrl,
  events: z.array(eventType).min(1, 'subscribe to at least one event type'),
  enabled: z.boolean(),
  /** A webhook may ask for a shorter timeout than the server's; never a longer one. */
  timeoutMs: z.number().int().min(1_000).max(60_000).nullable(),
};

export const createWebhookItem = z.object({
  name: webhookFields.name,
  url: webhookFields.url,
  events: webhookFields.events,
  enabled: webhookFields.enabled.default(true),
  timeoutMs: webhookFields.timeoutMs.optional(),
});

export const updateWebhookItem = z
  .object({
    id: z.string().max(255),
    name: webhookFields.name.optional(),
    url: webhookFields.url.optional(),
    events: webhookFields.events.optional(),
    enabled: webhookFields.enabled.optional(),
    timeoutMs: webhookFields.timeoutMs.optional(),
  })
  .refine((item) => Object.keys(item).length > 1, 'give at least one field to change besides id');

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

export const rotateBody = z
  .object({
    /** How long the old secret keeps signing next to the new one; 0 retires it at once. */
    overlapSeconds: z.number().int().min(0).max(7 * 24 * 3600).optional(),
  })
  .default({});

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

export const recoverBody = z
  .object({
    since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
    until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  })
  .refine((b) => !b.until || Date.parse(b.until) > Date.parse(b.since), { message: 'until must be after since', path: ['until'] });

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}
