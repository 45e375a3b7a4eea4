import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createAchievements,
  deleteAchievements,
  getAchievement,
  listAchievements,
  updateAchievements,
  type CreateAchievementInput,
  type UpdateAchievementInput,
} from '../../../achievements/achievement-store.js';
import { errors } from '../../../errors.js';
import type { HttpDependencies } from '../../dependencies.js';
import {
  MAX_ACHIEVEMENT_ITEMS,
  adminAchievement,
  bulkBodyValidator,
  createAchievementItem,
  parseItem,
  updateAchievementItem,
} from '../../schemas/achievements.js';
import { adminIssue, bodyErrorResponses, deletedResource, errorResponses, idList, idParam, pagination } from '../../schemas/common.js';

const tags = ['Achievements'];

const createdResponse = z.object({ created: z.array(adminAchievement), issues: z.array(adminIssue) });

/**
 * Trophy's admin achievements (spec 1.24.0): arrays in, `{created|updated|deleted, issues}` out,
 * `?ids=` to delete. A bad item becomes an issue and the others are still applied. Laurel also
 * takes its own spellings (filters by key, badgeUrl, metricKey) and answers its extensions beside
 * Trophy's fields (docs/api.md).
 */
export const achievementRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.get('/achievements', {
    schema: {
      tags,
      summary: 'List achievements',
      description: 'Every achievement of the environment, inactive and locked ones included, oldest first.',
      querystring: pagination,
      response: { 200: z.array(adminAchievement), ...errorResponses },
    },
    handler: async (request) => listAchievements(db, request.environmentId, request.query.limit, request.query.skip),
  });

  app.post('/achievements', {
    schema: {
      tags,
      summary: 'Create achievements',
      description:
        'Achievements start inactive unless created active. One created active is backdated: every user who already meets its rule gets it silently (no webhooks), shortly after the response. Answers 201 when at least one was created, else 200 with the issues.',
      body: z.array(createAchievementItem).min(1).max(MAX_ACHIEVEMENT_ITEMS),
      response: { 200: createdResponse, 201: createdResponse, ...bodyErrorResponses },
    },
    validatorCompiler: bulkBodyValidator(MAX_ACHIEVEMENT_ITEMS, 'achievement'),
    handler: async (request, reply) => {
      // Only the envelope was validated (see bulkBodyValidator); each item is read here.
      const items = (request.body as unknown as unknown[]).map((item) => parseItem<CreateAchievementInput>(createAchievementItem, item));
      const result = await createAchievements(db, request.environmentId, items, clock.now());
      deps.wakeScheduler?.(); // the backdating walk, if the request started one
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  });

  app.patch('/achievements', {
    schema: {
      tags,
      summary: 'Update achievements',
      description:
        'Fields left out are kept; key and trigger cannot change. Status moves: inactive → active, active ↔ locked. Activating an achievement, or changing the rule of a live one, backdates it shortly after the response.',
      body: z.array(updateAchievementItem).min(1).max(MAX_ACHIEVEMENT_ITEMS),
      response: { 200: z.object({ updated: z.array(adminAchievement), issues: z.array(adminIssue) }), ...bodyErrorResponses },
    },
    validatorCompiler: bulkBodyValidator(MAX_ACHIEVEMENT_ITEMS, 'change'),
    handler: async (request) => {
      const items = (request.body as unknown as unknown[]).map((item) => {
        const parsed = parseItem<UpdateAchievementInput>(updateAchievementItem, item);
        const id = (item as { id?: unknown } | null)?.id;
        return parsed.ok || typeof id !== 'string' ? parsed : { ...parsed, id };
      });
      const result = await updateAchievements(db, request.environmentId, items, clock.now());
      deps.wakeScheduler?.(); // the backdating walk, if the request started one
      return result;
    },
  });

  app.delete('/achievements', {
    schema: {
      tags,
      summary: 'Delete achievements',
      description: "Deleting an achievement also deletes its users' completions. One that a remaining composite achievement requires is not deleted.",
      querystring: z.object({ ids: idList }),
      response: { 200: z.object({ deleted: z.array(deletedResource), issues: z.array(adminIssue) }), ...errorResponses },
    },
    handler: async (request) => {
      const { deleted, issues } = await deleteAchievements(db, request.environmentId, request.query.ids);
      return { deleted: deleted.map((id) => ({ id })), issues };
    },
  });

  app.get('/achievements/:id', {
    schema: { tags, summary: 'Get an achievement', params: idParam, response: { 200: adminAchievement, ...errorResponses } },
    handler: async (request) => {
      const achievement = await getAchievement(db, request.environmentId, request.params.id);
      if (!achievement) throw errors.notFound('Achievement', request.params.id);
      return achievement;
    },
  });
};
