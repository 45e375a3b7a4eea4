import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { catalog } from '../../../events/catalog.js';
import { DEFAULT_ROTATION_OVERLAP_MS, activeSecrets, rotateSecret, type ActiveSecret } from '../../../webhooks/secrets.js';
import { createWebhooks, deleteWebhooks, listWebhooks, toWebhook, updateWebhooks } from '../../../webhooks/webhook-store.js';
import { getDelivery } from '../../../delivery/delivery-log.js';
import { webhookStats } from '../../../delivery/delivery-stats.js';
import { errors } from '../../../errors.js';
import { requireWebhook } from '../../require-webhook.js';
import type { HttpDependencies } from '../../dependencies.js';
import { adminIssue, bodyErrorResponses, deletedResource, errorResponses, idList, idParam, pagination } from '../../schemas/common.js';
import {
  createWebhooksBody,
  deliveryDetail,
  rotateBody,
  secretInfo,
  testEventBody,
  updateWebhooksBody,
  webhook,
  webhookStats as webhookStatsSchema,
  webhookStatsQuery,
  webhookWithSecret,
} from '../../schemas/webhooks.js';

const tags = ['Webhooks (Laurel extension)'];

/**
 * Webhook management: an extension of Trophy's Admin API (Trophy keeps webhooks in its dashboard)
 * following the same conventions: arrays in, `{created|updated|deleted, issues}` out, `?ids=` to delete.
 */
export const webhookRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock, outbox } = deps;
  const db = backend.db;

  app.get('/webhooks', {
    schema: { tags, summary: 'List webhooks', querystring: pagination, response: { 200: z.array(webhook), ...errorResponses } },
    handler: async (request) => listWebhooks(db, request.environmentId, request.query.limit, request.query.skip),
  });

  app.post('/webhooks', {
    schema: {
      tags,
      summary: 'Create webhooks',
      description: 'The body is a list of webhooks, even for one. Each created webhook carries its signing secret; it is shown here and by the secret call only.',
      body: createWebhooksBody,
      response: { 201: z.object({ created: z.array(webhookWithSecret), issues: z.array(adminIssue) }), ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const created = await createWebhooks(db, request.environmentId, request.body, clock.now());
      return reply.status(201).send({ created, issues: [] });
    },
  });

  app.patch('/webhooks', {
    schema: {
      tags,
      summary: 'Update webhooks',
      description: 'Enabling a webhook clears the reason it was disabled automatically.',
      body: updateWebhooksBody,
      response: { 200: z.object({ updated: z.array(webhook), issues: z.array(adminIssue) }), ...bodyErrorResponses },
    },
    handler: async (request) => {
      const { updated, missing } = await updateWebhooks(db, request.environmentId, request.body, clock.now());
      return { updated, issues: missing.map((id) => ({ id, severity: 'error' as const, message: 'Webhook not found by ID' })) };
    },
  });

  app.delete('/webhooks', {
    schema: {
      tags,
      summary: 'Delete webhooks',
      description: 'Deleting a webhook also deletes its delivery log.',
      querystring: z.object({ ids: idList }),
      response: { 200: z.object({ deleted: z.array(deletedResource), issues: z.array(adminIssue) }), ...errorResponses },
    },
    handler: async (request) => {
      const { deleted, missing } = await deleteWebhooks(db, request.environmentId, request.query.ids);
      return {
        deleted: deleted.map((id) => ({ id })),
        issues: missing.map((id) => ({ id, severity: 'error' as const, message: 'Webhook not found by ID' })),
      };
    },
  });

  // A static segment: Fastify's router matches it before /webhooks/:id whatever the registration order.
  app.get('/webhooks/stats', {
    schema: {
      tags,
      summary: 'Delivery statistics of every webhook',
      description:
        'One row per webhook of the environment, oldest webhook first, counting the deliveries created in the last `hours` hours (1-168, default 24). `pending` counts pending, delivering and retrying deliveries; `successRate` is succeeded / (succeeded + failed), null when none finished; `lastStatus` and `lastDeliveryAt` describe the newest delivery in the window.',
      querystring: webhookStatsQuery,
      response: { 200: z.array(webhookStatsSchema), ...errorResponses },
    },
    handler: async (request) => webhookStats(db, request.environmentId, clock.now() - request.query.hours * 3_600_000),
  });

  app.get('/webhooks/:id', {
    schema: { tags, summary: 'Get a webhook', params: idParam, response: { 200: webhook, ...errorResponses } },
    handler: async (request) => toWebhook(await requireWebhook(db, request.environmentId, request.params.id)),
  });

  app.get('/webhooks/:id/secret', {
    schema: {
      tags,
      summary: "Get a webhook's signing secret",
      description: 'The current secret, and any previous ones still signing during a rotation overlap.',
      params: idParam,
      response: { 200: secretInfo, ...errorResponses },
    },
    handler: async (request) => {
      const row = await requireWebhook(db, request.environmentId, request.params.id);
      const secrets = (await activeSecrets(db, [row.id], clock.now())).get(row.id);
      if (!secrets) throw errors.notFound('Webhook', row.id);
      return toSecretInfo(secrets);
    },
  });

  app.post('/webhooks/:id/secret/rotate', {
    schema: {
      tags,
      summary: "Rotate a webhook's signing secret",
      description:
        'The previous secret keeps signing (in webhook-signature, next to the new one) for overlapSeconds, default 24 h; 0 retires it (and any older one) at once. X-Trophy-Signature always uses the new secret. The body may be left out for the default overlap.',
      params: idParam,
      body: rotateBody,
      response: { 200: secretInfo, ...bodyErrorResponses },
    },
    handler: async (request) => {
      const row = await requireWebhook(db, request.environmentId, request.params.id);
      const overlapSeconds = request.body?.overlapSeconds;
      const overlapMs = overlapSeconds === undefined ? DEFAULT_ROTATION_OVERLAP_MS : overlapSeconds * 1000;
      const secrets = await rotateSecret(db, row.id, overlapMs, clock.now());
      if (!secrets) throw errors.notFound('Webhook', row.id);
      return toSecretInfo(secrets);
    },
  });

  app.post('/webhooks/:id/test', {
    schema: {
      tags,
      summary: 'Send a test event',
      description: 'Delivers a realistic sample of the given type to this webhook through the normal delivery path (signed, retried, logged).',
      params: idParam,
      body: testEventBody,
      response: { 202: deliveryDetail, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const row = await requireWebhook(db, request.environmentId, request.params.id);
      const disabled = () => errors.invalid(`Webhook ${row.id} is disabled; enable it to send events`);
      if (row.enabled !== 1) throw disabled();
      const now = clock.now();
      const type = request.body.type;
      const payload = catalog[type].sample(new Date(now));
      const deliveryId = await db.transaction().execute(async (trx) => {
        const { deliveryIds } = await outbox.emit(trx, { environmentId: request.environmentId, type, payload, onlyWebhookId: row.id }, now);
        // The webhook may have been disabled (or deleted) since the check above; roll the event back.
        if (deliveryIds[0] === undefined) throw disabled();
        return deliveryIds[0];
      });
      const detail = await getDelivery(db, row.id, deliveryId);
      if (!detail) throw errors.notFound('Webhook', row.id);
      return reply.status(202).send(detail);
    },
  });
};

/** The secret call's answer: the current secret, then the ones still signing in their overlap window. */
function toSecretInfo([current, ...previous]: ActiveSecret[]) {
  return {
    secret: current!.secret,
    previousSecrets: previous.map((s) => ({ secret: s.secret, expires: new Date(s.expiresAt!).toISOString() })),
  };
}
