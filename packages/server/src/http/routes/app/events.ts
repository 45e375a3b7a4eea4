import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordMetricEvent } from '../../../metrics/record-event.js';
import type { HttpDependencies } from '../../dependencies.js';
import { bodyErrorResponses, objectId } from '../../schemas/common.js';
import { eventResponse, idempotencyHeaders, metricEventBody } from '../../schemas/app.js';
import { ownUser } from '../../access-policy.js';

/** `POST /metrics/{key}/event`: the core write of the platform. */
export const metricEventRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  app.post('/metrics/:key/event', {
    config: { access: ownUser({ body: ['user', 'id'] }) },
    schema: {
      tags: ['Metrics'],
      summary: 'Record a metric event for a user',
      description:
        'Upserts the user, adds `value` to their total and evaluates streaks, achievements, points, levels and leaderboards in one transaction. ' +
        '`points` lists the points systems the event changed; `leaderboards` the boards it counted on where the user is ranked (before or after it). ' +
        'A points trigger with blockIfOutOfPoints refuses an event whose deduction would take the total below 0: 400, and nothing is written. ' +
        'Send an `Idempotency-Key`: a repeat of a key for the same user and metric answers 202 with `idempotentReplayed: true` and changes nothing.',
      params: z.object({ key: objectId() }),
      headers: idempotencyHeaders,
      body: metricEventBody,
      response: { 201: eventResponse, 202: eventResponse, ...bodyErrorResponses },
    },
    // The busiest route sends its body as built: re-validating it through zod took ~80 µs of an
    // event's ~700. The schema still documents it, and tests check every field against Trophy's.
    serializerCompiler: () => (data) => JSON.stringify(data),
    handler: async (request, reply) => {
      const { response, replayed } = await recordMetricEvent(
        deps,
        {
          environmentId: request.environmentId,
          metricKey: request.params.key,
          user: request.body.user,
          value: request.body.value,
          attributes: request.body.attributes ?? {},
          idempotencyKey: request.headers['idempotency-key'],
        },
        deps.clock.now(),
      );
      return reply.status(replayed ? 202 : 201).send(response);
    },
  });
};
