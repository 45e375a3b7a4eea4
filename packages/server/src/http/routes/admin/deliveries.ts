import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getDelivery, listDeliveries } from '../../../delivery/delivery-log.js';
import { RECOVER_LIMIT, recoverFailed, resendDelivery } from '../../../delivery/queue/resend.js';
import { errors } from '../../../errors.js';
import { requireWebhook } from '../../require-webhook.js';
import type { HttpDependencies } from '../../dependencies.js';
import { bodyErrorResponses, errorResponses, idParam, objectId, pagination } from '../../schemas/common.js';
import { deliveryDetail, deliveryFilter, deliverySummary, recoverBody } from '../../schemas/webhooks.js';

const tags = ['Webhook deliveries (Laurel extension)'];
const deliveryParams = z.object({ id: objectId(), deliveryId: objectId() });

/** The delivery log of a webhook: what was sent, every attempt, and manual resends. */
export const deliveryRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock, outbox }) => {
  const db = backend.db;

  app.get('/webhooks/:id/deliveries', {
    schema: {
      tags,
      summary: 'List deliveries of a webhook',
      description: 'Newest first. Filter by status and event type.',
      params: idParam,
      querystring: pagination.extend(deliveryFilter.shape),
      response: { 200: z.array(deliverySummary), ...errorResponses },
    },
    handler: async (request) => {
      const webhook = await requireWebhook(db, request.environmentId, request.params.id);
      return listDeliveries(db, webhook.id, request.query);
    },
  });

  app.get('/webhooks/:id/deliveries/:deliveryId', {
    schema: {
      tags,
      summary: 'Get a delivery with its payload and every attempt',
      params: deliveryParams,
      response: { 200: deliveryDetail, ...errorResponses },
    },
    handler: async (request) => {
      const webhook = await requireWebhook(db, request.environmentId, request.params.id);
      const detail = await getDelivery(db, webhook.id, request.params.deliveryId);
      if (!detail) throw errors.notFound('Delivery', request.params.deliveryId);
      return detail;
    },
  });

  app.post('/webhooks/:id/deliveries/:deliveryId/resend', {
    schema: {
      tags,
      summary: 'Resend a delivery now',
      description: 'Queues an immediate attempt, logged as manual. Manual attempts are not retried automatically.',
      params: deliveryParams,
      response: { 202: deliveryDetail, ...errorResponses },
    },
    handler: async (request, reply) => {
      const webhook = await requireWebhook(db, request.environmentId, request.params.id);
      if (webhook.enabled !== 1) throw errors.invalid(`Webhook ${webhook.id} is disabled; enable it to resend`);
      const existing = await getDelivery(db, webhook.id, request.params.deliveryId);
      if (!existing) throw errors.notFound('Delivery', request.params.deliveryId);
      if (!(await resendDelivery(db, webhook.id, existing.id, clock.now()))) {
        throw errors.invalid(`Delivery ${existing.id} is being attempted right now; resend it once this attempt ends`);
      }
      await outbox.announce(db, [webhook.id]);
      return reply.status(202).send((await getDelivery(db, webhook.id, existing.id))!);
    },
  });

  app.post('/webhooks/:id/recover', {
    schema: {
      tags,
      summary: 'Resend every failed delivery in a time window',
      description: `Resends failed deliveries created in [since, until) (until defaults to now), at most ${RECOVER_LIMIT} per call.`,
      params: idParam,
      body: recoverBody,
      response: { 202: z.object({ recovered: z.number() }), ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const webhook = await requireWebhook(db, request.environmentId, request.params.id);
      if (webhook.enabled !== 1) throw errors.invalid(`Webhook ${webhook.id} is disabled; enable it to recover deliveries`);
      const now = clock.now();
      const until = request.body.until ? Date.parse(request.body.until) : now;
      const recovered = await recoverFailed(db, webhook.id, Date.parse(request.body.since), until, now);
      if (recovered > 0) await outbox.announce(db, [webhook.id]);
      return reply.status(202).send({ recovered });
    },
  });
};
