import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listWithStats } from '../../../achievements/achievement-queries.js';
import type { HttpDependencies } from '../../dependencies.js';
import { achievementWithStatsResponse, userAttributesQuery } from '../../schemas/achievements.js';
import { errorBody } from '../../schemas/common.js';
import { anyRead } from '../../access-policy.js';

const tags = ['Achievements'];

/** Trophy's `GET /achievements`: the active achievements with their completion stats. */
export const achievementListRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const db = deps.backend.db;

  app.get('/achievements', {
    config: { access: anyRead },
    schema: {
      tags,
      summary: 'Get all achievements and their completion stats',
      description:
        'Active achievements only (inactive and locked ones are left out). rarity is the percentage (0-100) of users who completed it. With userAttributes, only achievements a user with those attributes could unlock.',
      querystring: z.object({ userAttributes: userAttributesQuery.optional() }),
      response: { 200: z.array(achievementWithStatsResponse), 401: errorBody, 422: errorBody },
    },
    handler: async (request) => listWithStats(db, request.environmentId, request.query.userAttributes),
  });
};
