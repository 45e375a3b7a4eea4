import { z } from 'zod';
import { eventTypes } from '../../events/event-types.js';
import { isId } from '../../store/ids.js';
import { objectId, text } from './common.js';
import { MAX_URL_LENGTH, eventType } from './webhooks.js';

/** An event id to resume after, as `?after=` or the `Last-Event-ID` header. */
const eventId = z.string().refine(isId, 'must be an event id (a UUID, as sent in the id: field of the stream)');

export const streamQuery = z.object({
  /** `?types=a,b` or `?types=a&types=b`; every type when left out. */
  types: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => [...new Set((Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))])
    .pipe(z.array(eventType).min(1, `give at least one event type, or leave types out for all of them: ${eventTypes.join(', ')}`))
    .optional()
    .meta({ description: 'Only these event types, comma-separated or repeated; every type when left out.' }),
  after: eventId.optional().meta({ description: 'Resume after this event id; the Last-Event-ID header does the same and wins. Without either, the stream starts with the events committed from now on.' }),
  session: z
    .string()
    .refine(isId, 'must be a UUID in lowercase hex, made once per run of the client and sent on each of its connections')
    .optional()
    .meta({
      description:
        'A listen session id (a UUID the client makes once per run). With it, the stream is counted as a destination of the events it carries: GET /webhook-events/{id}/listeners names it, and the client reports what its receiver answered with PUT /webhook-events/{id}/listeners/{session}. What `laurel listen` sends.',
    }),
  forwardTo: text()
    .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
    .optional()
    .meta({ description: "Where the session's client forwards the events, shown with the session in listener reports. Only with session." }),
});

// Loose: the other headers (X-API-KEY, cookies) must stay on the request.
export const streamHeaders = z.looseObject({
  'last-event-id': eventId.optional().meta({ description: 'The id of the last event received; an EventSource sends it when it reconnects.' }),
});

export const streamResponse = {
  content: {
    'text/event-stream': {
      schema: z.string().meta({
        description:
          'Server-Sent Events. Each event is `id: <event id>`, `event: <type>` and `data: <the exact JSON body webhooks are sent>`; a comment line every 15 s keeps the connection open.',
      }),
    },
  },
};

export const emittedEvent = z
  .object({
    eventId: z.string(),
    type: z.enum(eventTypes),
    /** One delivery per enabled webhook subscribed to the type; empty when none is. */
    deliveries: z.array(z.object({ id: z.string(), webhookId: z.string() })),
  })
  .meta({ id: 'EmittedEvent' });

export const eventIdParam = z.object({ id: objectId() });
export const listenerParams = z.object({ id: objectId(), session: objectId() });

/** What a listen session's local receiver answered for an event: an HTTP status, or why there was none. */
export const forwardReportBody = z
  .strictObject({
    statusCode: z.number().int().min(100).max(599).nullable(),
    error: text().max(1000, 'must be at most 1000 characters').nullable(),
    latencyMs: z.number().min(0).max(3_600_000),
  })
  .refine((report) => (report.statusCode === null) !== (report.error === null), 'give either statusCode (the receiver answered) or error (it did not), not both');

export const listenerOutcome = z
  .object({
    session: z.string(),
    forwardTo: z.string().nullable(),
    /** null until the session reports what its receiver answered. */
    forward: z
      .object({ statusCode: z.number().nullable(), error: z.string().nullable(), latencyMs: z.number(), reported: z.string() })
      .nullable(),
  })
  .meta({ id: 'ListenerOutcome' });
