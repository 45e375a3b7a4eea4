import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { metricStats } from '../../../metrics/metric-stats.js';
import { createMetrics, deleteMetrics, findMetric, listMetrics, updateMetrics } from '../../../metrics/metric-store.js';
import { errors } from '../../../errors.js';
import type { HttpDependencies } from '../../dependencies.js';
import { bodyErrorResponses, errorResponses, idList, idParam, pagination } from '../../schemas/common.js';
import {
  createMetricsBody,
  createMetricsResponse,
  createdMetric,
  deleteMetricsResponse,
  metricStats as metricStatsSchema,
  updateMetricsBody,
  updateMetricsResponse,
} from '../../schemas/metrics.js';

const tags = ['Metrics'];

/**
 * Trophy's Admin API for metrics. A body that does not fit the schema (not an array, more than 100
 * items, a wrong type, a key with other characters than letters, digits, `-` and `_`) is refused
 * whole with 422; problems only the stored data or the other fields reveal (a key in use, an
 * unknown id, a currency metric without a currency code) are per-item issues.
 */
export const metricRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.get('/metrics', {
    schema: { tags, summary: 'List metrics', description: 'Oldest first.', querystring: pagination, response: { 200: z.array(createdMetric), ...errorResponses } },
    handler: async (request) => listMetrics(db, request.environmentId, request.query.limit, request.query.skip),
  });

  app.post('/metrics', {
    schema: {
      tags,
      summary: 'Create metrics',
      description:
        'Keys are unique within the environment. `unitType` defaults to number and `units` to ""; a currency metric needs a currency code such as USD in `units`. A key already in use, or repeated in the request (the later item), is an issue for that item; the others are created. Answers 201 if at least one metric was created, else 200.',
      body: createMetricsBody,
      response: { 200: createMetricsResponse, 201: createMetricsResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const result = await createMetrics(db, request.environmentId, request.body, clock.now());
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  });

  app.patch('/metrics', {
    schema: {
      tags,
      summary: 'Update metrics',
      description:
        'Changes `name`, `unitType` and `units` by id; fields left out are kept. `key` cannot be changed. Unknown ids are issues; the other items are applied.',
      body: updateMetricsBody,
      response: { 200: updateMetricsResponse, ...bodyErrorResponses },
    },
    handler: async (request) => updateMetrics(db, request.environmentId, request.body, clock.now()),
  });

  app.delete('/metrics', {
    schema: {
      tags,
      summary: 'Delete metrics',
      description:
        "Give ids as ?ids=a,b or ?ids=a&ids=b. Deleting a metric also deletes its events and every user's total for it; achievements that counted it are kept, without a metric. Unknown ids are issues; the others are deleted.",
      querystring: z.object({ ids: idList }),
      response: { 200: deleteMetricsResponse, ...errorResponses },
    },
    handler: async (request) => {
      const { deleted, issues } = await deleteMetrics(db, request.environmentId, request.query.ids);
      return { deleted: deleted.map((id) => ({ id })), issues };
    },
  });

  // A static segment: Fastify's router matches it before /metrics/:id whatever the registration order.
  app.get('/metrics/stats', {
    schema: {
      tags: ['Metrics (Laurel extension)'],
      summary: "Every metric with its users' totals",
      description:
        "One row per metric, oldest first: `total` is the sum of every user's total for the metric and `users` the number of users with a total (who sent at least one event).",
      response: { 200: z.array(metricStatsSchema), ...errorResponses },
    },
    handler: async (request) => metricStats(db, request.environmentId),
  });

  app.get('/metrics/:id', {
    schema: { tags, summary: 'Get a metric', params: idParam, response: { 200: createdMetric, ...errorResponses } },
    handler: async (request) => {
      const metric = await findMetric(db, request.environmentId, request.params.id);
      if (!metric) throw errors.notFound('Metric', request.params.id);
      return metric;
    },
  });
};
