import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { completeAchievement } from '../../../achievements/complete-achievement.js';
import type { HttpDependencies } from '../../dependencies.js';
import { userAchievementResponse } from '../../schemas/achievements.js';
import { metricEventPointsResponse } from '../../schemas/app.js';
import { bodyErrorResponses, objectId } from '../../schemas/common.js';
import { upsertedUser } from '../../schemas/users.js';
import { ownUser } from '../../access-policy.js';

const completionResponse = z
  .object({ completionId: z.string(), achievement: userAchievementResponse, points: z.record(z.string(), metricEventPointsResponse) })
  .meta({ id: 'AchievementCompletionResponse' });

export const achievementCompletionRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  app.post('/achievements/:key/complete', {
    config: { access: ownUser({ body: ['user', 'id'] }) },
    schema: {
      tags: ['Achievements'],
      summary: 'Complete an API-triggered achievement for a user',
      description:
        'Completing it again answers 201 with the original completion, `points: {}`, and changes nothing. Locked or non-API achievements: 422. `points` lists the points systems the completion (and the composites it completed) changed.',
      params: z.object({ key: objectId() }),
      body: z.strictObject({ user: upsertedUser }),
      response: { 201: completionResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const result = await completeAchievement(deps, { environmentId: request.environmentId, key: request.params.key, user: request.body.user }, deps.clock.now());
      return reply.status(201).send(result);
    },
  });
};
