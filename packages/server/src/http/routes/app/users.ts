import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { metricAchievements, userAchievements } from '../../../achievements/achievement-queries.js';
import { eventSummary } from '../../../engine/metrics/event-summary.js';
import { addDays } from '../../../engine/streaks/index.js';
import { findMetricByKey } from '../../../metrics/metric-store.js';
import { loadStreakSettings } from '../../../streaks/streak-settings.js';
import { writeUser } from '../../../users/identify.js';
import { preferencesOf } from '../../../users/preferences.js';
import { updatePreferences } from '../../../users/update-preferences.js';
import { requireUser, toUser } from '../../../users/user-store.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errors } from '../../../errors.js';
import { bodyErrorResponses, errorBody, errorResponses, objectId } from '../../schemas/common.js';
import { metricResponse, summaryPoint, userAchievementWithStats } from '../../schemas/app.js';
import { preferencesResponse, preferencesUpdate, updatedUser, upsertedUser, user, userIdParam } from '../../schemas/users.js';
import { ownUser, ownUserInPath } from '../../access-policy.js';

const tags = ['Users'];
const MAX_SUMMARY_DAYS = 400;

const isoDate = z.iso.date({ error: 'must be a date like 2026-01-31' });
const summaryQuery = z.object({
  aggregation: z.enum(['daily', 'weekly', 'monthly']),
  startDate: isoDate,
  endDate: isoDate,
});

/** Trophy's users endpoints: create, identify (upsert), update, read, preferences and progress. */
export const userRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.post('/users', {
    config: { access: ownUser({ body: ['id'] }) },
    schema: { tags, summary: 'Create a user', body: upsertedUser, response: { 201: user, ...bodyErrorResponses } },
    handler: async (request, reply) => {
      const row = await writeUser(deps, request.environmentId, request.body, 'create', clock.now());
      return reply.status(201).send(toUser(row));
    },
  });

  app.get('/users/:id', {
    config: { access: ownUserInPath },
    schema: { tags, summary: 'Get a user', params: userIdParam, response: { 200: user, ...errorResponses } },
    handler: async (request) => toUser(await requireUser(db, request.environmentId, request.params.id)),
  });

  app.put('/users/:id', {
    config: { access: ownUserInPath },
    schema: { tags, summary: 'Identify a user (create or update)', params: userIdParam, body: updatedUser, response: { 200: user, ...bodyErrorResponses } },
    handler: async (request) => toUser(await writeUser(deps, request.environmentId, { ...request.body, id: request.params.id }, 'identify', clock.now())),
  });

  app.patch('/users/:id', {
    config: { access: ownUserInPath },
    schema: { tags, summary: 'Update a user', params: userIdParam, body: updatedUser, response: { 200: user, ...bodyErrorResponses } },
    handler: async (request) => toUser(await writeUser(deps, request.environmentId, { ...request.body, id: request.params.id }, 'update', clock.now())),
  });

  app.get('/users/:id/preferences', {
    config: { access: ownUserInPath },
    schema: { tags, summary: "Get a user's preferences", params: userIdParam, response: { 200: preferencesResponse, ...errorResponses } },
    handler: async (request) => preferencesOf(await requireUser(db, request.environmentId, request.params.id)),
  });

  app.patch('/users/:id/preferences', {
    config: { access: ownUserInPath },
    schema: {
      tags,
      summary: "Update a user's preferences",
      description: 'Streak metrics and evaluation mode need streak personalisation (403 otherwise); `enabled` is always allowed.',
      params: userIdParam,
      body: preferencesUpdate,
      response: { 200: preferencesResponse, ...bodyErrorResponses, 403: errorBody },
    },
    handler: async (request) => updatePreferences(deps, request.environmentId, request.params.id, request.body, clock.now()),
  });

  app.get('/users/:id/metrics', {
    config: { access: ownUserInPath },
    schema: { tags, summary: "A user's progress on every active metric", params: userIdParam, response: { 200: z.array(metricResponse), ...errorResponses } },
    handler: async (request) => {
      const { environmentId } = request;
      const row = await requireUser(db, environmentId, request.params.id);
      const metrics = await db.selectFrom('metrics').selectAll().where('environment_id', '=', environmentId).where('status', '=', 'active').orderBy('created_at').orderBy('id').execute();
      return progressOf(db, environmentId, row.id, metrics);
    },
  });

  app.get('/users/:id/metrics/:key', {
    config: { access: ownUserInPath },
    schema: { tags, summary: "A user's progress on one metric", params: userIdParam.extend({ key: objectId() }), response: { 200: metricResponse, ...errorResponses } },
    handler: async (request) => {
      const { environmentId } = request;
      const row = await requireUser(db, environmentId, request.params.id);
      const metric = await findMetricByKey(db, environmentId, request.params.key);
      if (!metric) throw errors.notFound('Metric', request.params.key);
      const [progress] = await progressOf(db, environmentId, row.id, [metric]);
      return progress!;
    },
  });

  app.get('/users/:id/metrics/:key/event-summary', {
    config: { access: ownUserInPath },
    schema: {
      tags,
      summary: "A user's metric over time, for charts",
      params: userIdParam.extend({ key: objectId() }),
      querystring: summaryQuery,
      response: { 200: z.array(summaryPoint), ...errorResponses },
    },
    handler: async (request) => {
      const { environmentId } = request;
      const { aggregation, startDate, endDate } = request.query;
      if (startDate > endDate) throw errors.invalid('startDate: must not be after endDate');
      if (addDays(startDate, MAX_SUMMARY_DAYS) < endDate) throw errors.invalid(`endDate: the range must not exceed ${MAX_SUMMARY_DAYS} days`);
      const row = await requireUser(db, environmentId, request.params.id);
      const metric = await findMetricByKey(db, environmentId, request.params.key);
      if (!metric) throw errors.notFound('Metric', request.params.key);
      const scope = db.selectFrom('metric_daily').where('environment_id', '=', environmentId).where('user_id', '=', row.id).where('metric_id', '=', metric.id);
      const before = await scope.select((eb) => eb.fn.sum<number>('change').as('sum')).where('day', '<', startDate).executeTakeFirst();
      const days = await scope.select(['day', 'change']).where('day', '>=', startDate).where('day', '<=', endDate).execute();
      const settings = await loadStreakSettings(db, environmentId);
      return eventSummary(new Map(days.map((d) => [d.day, Number(d.change)])), Number(before?.sum ?? 0), { startDate, endDate }, aggregation, settings.weekStart);
    },
  });

  app.get('/users/:id/achievements', {
    config: { access: ownUserInPath },
    schema: {
      tags,
      summary: "A user's achievements",
      params: userIdParam,
      querystring: z.object({ includeIncomplete: z.string().optional() }),
      response: { 200: z.array(userAchievementWithStats), ...errorResponses },
    },
    handler: async (request) => {
      const row = await requireUser(db, request.environmentId, request.params.id);
      // Trophy: "true" includes incomplete ones; any other value is ignored.
      return userAchievements(db, request.environmentId, row.id, request.query.includeIncomplete === 'true');
    },
  });
};

async function progressOf(
  db: HttpDependencies['backend']['db'],
  environmentId: string,
  userId: string,
  metrics: readonly { id: string; key: string; name: string; status: 'active' | 'archived' }[],
) {
  if (metrics.length === 0) return [];
  const ids = metrics.map((metric) => metric.id);
  const totals = await db.selectFrom('user_metrics').select(['metric_id', 'total']).where('environment_id', '=', environmentId).where('user_id', '=', userId).where('metric_id', 'in', ids).execute();
  const totalById = new Map(totals.map((row) => [row.metric_id, Number(row.total)]));
  const achievements = await metricAchievements(db, environmentId, ids, userId);
  return metrics.map((metric) => ({
    id: metric.id,
    key: metric.key,
    name: metric.name,
    // Not in the reference schema, but Trophy's SDK requires it when parsing MetricResponse.
    status: metric.status,
    current: totalById.get(metric.id) ?? 0,
    achievements: achievements.get(metric.id) ?? [],
  }));
}
