import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { enqueueEventBatch, type BatchEvent } from '../../../metrics/event-batches.js';
import type { Schema } from '../../../store/schema.js';
import { checkAttributeKeys } from '../../../users/user-store.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errors } from '../../../errors.js';
import { bodyErrorResponses, objectId, text } from '../../schemas/common.js';
import { attributeMap, upsertedUser } from '../../schemas/users.js';

export const MAX_BATCH_EVENTS = 1000;

const batchEvent = z.strictObject({
  key: objectId(),
  user: upsertedUser,
  value: z.number({ error: 'is required and must be a finite number' }),
  attributes: attributeMap.optional(),
  idempotencyKey: text().min(1).max(255).optional(),
});

/** Trophy's Admin `POST /metrics/events`: accepted at once, processed in the background in order. */
export const metricEventBatchRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  app.post('/metrics/events', {
    schema: {
      tags: ['Metrics'],
      summary: 'Record a batch of metric events',
      description:
        'Every event is checked first (unknown metric: 404; undeclared attribute keys: 400), then the batch is queued durably and processed asynchronously, in order, with the same semantics as POST /v1/metrics/{key}/event.',
      body: z.array(batchEvent).min(1, 'send at least one event').max(MAX_BATCH_EVENTS, `at most ${MAX_BATCH_EVENTS} events per request`),
      response: { 202: z.object({ accepted: z.number().int() }), ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const { environmentId } = request;
      const events = request.body;
      const now = deps.clock.now();
      await deps.backend.db.transaction().execute(async (trx) => {
        const keys = [...new Set(events.map((event) => event.key))];
        const found = await trx.selectFrom('metrics').select('key').where('environment_id', '=', environmentId).where('status', '=', 'active').where('key', 'in', keys).execute();
        const missing = keys.find((key) => !found.some((metric) => metric.key === key));
        if (missing !== undefined) throw errors.notFound('Metric', missing);
        const merged = (pick: (event: (typeof events)[number]) => Record<string, string> | undefined) =>
          Object.assign({}, ...events.map((event) => pick(event) ?? {})) as Record<string, string>;
        await checkAttributeKeys(trx, environmentId, merged((event) => event.attributes), 'event');
        await checkAttributeKeys(trx, environmentId, merged((event) => event.user.attributes), 'user');
        await checkEmailRule(trx, environmentId, events);
        await enqueueEventBatch(trx, environmentId, events, now);
      });
      deps.wakeScheduler?.();
      return reply.status(202).send({ accepted: events.length });
    },
  });
};

/** Checked up front like the attribute keys, so an accepted batch does not later skip events over it. */
async function checkEmailRule(trx: Kysely<Schema>, environmentId: string, events: readonly BatchEvent[]): Promise<void> {
  const subscribing = events.map((event, index) => ({ event, index })).filter(({ event }) => event.user.subscribeToEmails === true && !event.user.email);
  if (subscribing.length === 0) return;
  const ids = [...new Set(subscribing.map(({ event }) => event.user.id))];
  const withEmail = await trx.selectFrom('users').select('id').where('environment_id', '=', environmentId).where('id', 'in', ids).where('email', 'is not', null).execute();
  const known = new Set(withEmail.map((row) => row.id));
  // An earlier event of the same batch may give the user an email.
  const given = new Set<string>();
  for (const [index, event] of events.entries()) {
    if (event.user.email) given.add(event.user.id);
    if (event.user.subscribeToEmails === true && !event.user.email && !known.has(event.user.id) && !given.has(event.user.id)) {
      throw errors.business(`body[${index}].user.subscribeToEmails: cannot be true for a user without an email address`);
    }
  }
}
