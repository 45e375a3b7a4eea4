import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { catalog } from '../../../events/catalog.js';
import { DEFAULT_ROTATION_OVERLAP_MS, activeSecrets, rotateSecret } from '../../../webhooks/secrets.js';
import { createWebhooks, deleteWebhooks, findWebhookRow, listWebhooks, toWebhook, updateWebhooks } from '../../../webhooks/webhook-store.js';
import { getDelivery } from '../../../delivery/delivery-log.js';
import { errors } from '../../errors.js';
import type { HttpDependencies } from '../../dependencies.js';
import { adminIssue, deletedResource, errorResponses, idList, idParam, pagination } from '../../schemas/common.js';
import {
  createWebhookItem,
  deliveryDetail,
  rotateBody,
  secretInfo,
  testEventBody,
  updateWebhookItem,
  webhook,
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

  const requireWebhook = async (environmentId: string, id: string) => {
    const row = await findWebhookRow(db, environmentId, id);
    if (!row) throw errors.notFound('Webhook', id);
    return row;
  };

  app.get('/webhooks', {
    schema: { tags, summary: 'List webhooks', querystring: pagination, response: { 200: z.array(webhook), ...errorResponses } },
    handler: async (request) => listWebhooks(db, request.environmentId, request.query.limit, request.query.skip),
  });

  app.post('/webhooks', {
    schema: {
      tags,
      summary: 'Create webhooks',
      description: 'Each created webhook carries its signing secret; it is shown here and by the secret call only.',
      body: z.array(createWebhookItem).min(1, 'send at least one webhook').max(100, 'at most 100 webhooks per request'),
      response: { 201: z.object({ created: z.array(webhookWithSecret), issues: z.array(adminIssue) }), ...errorResponses },
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
      body: z.array(updateWebhookItem).min(1, 'send at least one change').max(100, 'at most 100 changes per request'),
      response: { 200: z.object({ updated: z.array(webhook), issues: z.array(adminIssue) }), ...errorResponses },
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

  app.get('/webhooks/:id', {
    schema: { tags, summary: 'Get a webhook', params: idParam, response: { 200: webhook, ...errorResponses } },
    handler: async (request) => toWebhook(await requireWebhook(request.environmentId, request.params.id)),
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
      const row = await requireWebhook(request.environmentId, request.params.id);
      return secretsOf(row.id, clock.now());
    },
  });

  app.post('/webhooks/:id/secret/rotate', {
    schema: {
      tags,
      summary: "Rotate a webhook's signing secret",
      description:
        'The previous secret keeps signing (in webhook-signature, next to the new one) for overlapSeconds, default 24 h; 0 retires it at once. X-Trophy-Signature always uses the new secret.',
      params: idParam,
      body: rotateBody,
      response: { 200: secretInfo, ...errorResponses },
    },
    handler: async (request) => {
      const row = await requireWebhook(request.environmentId, request.params.id);
      const overlapMs = request.body.overlapSeconds === undefined ? DEFAULT_ROTATION_OVERLAP_MS : request.body.overlapSeconds * 1000;
      const now = clock.now();
      await rotateSecret(db, row.id, overlapMs, now);
      return secretsOf(row.id, now);
    },
  });

  app.post('/webhooks/:id/test', {
    schema: {
      tags,
      summary: 'Send a test event',
      description: 'Delivers a realistic sample of the given type to this webhook through the normal delivery path (signed, retried, logged).',
      params: idParam,
      body: testEventBody,
      response: { 202: deliveryDetail, ...errorResponses },
    },
    handler: async (request, reply) => {
      const row = await requireWebhook(request.environmentId, request.params.id);
      if (row.enabled !== 1) throw errors.invalid(`Webhook ${row.id} is disabled; enable it to send events`);
      const now = clock.now();
      const type = request.body.type;
      const payload = catalog[type].sample(new Date(now));
      const { deliveryIds } = await db.transaction().execute((trx) =>
        outbox.emit(trx, { environmentId: request.environmentId, type, payload, onlyWebhookId: row.id }, now),
      );
      const detail = await getDelivery(db, row.id, deliveryIds[0]!);
      return reply.status(202).send(detail!);
    },
  });

  async function secretsOf(webhookId: string, now: number) {
    const [current, ...previous] = (await activeSecrets(db, [webhookId], now)).get(webhookId) ?? [];
    return {
      secret: current!.secret,
      previousSecrets: previous.map((s) => ({ secret: s.secret, expires: new Date(s.expiresAt!).toISOString() })),
    };
  }
};
