import { z } from 'zod';
import { eventTypes } from '../../events/event-types.js';
import { isId } from '../../store/ids.js';
import { eventType } from './webhooks.js';

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
