import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { bulkStreaks, userStreakResponse } from '../../../streaks/streak-queries.js';
import { requireUser } from '../../../users/user-store.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errorResponses, idParam } from '../../schemas/common.js';
import { bulkStreakResponse, streakQuery, streakResponse, userIdsQuery } from '../../schemas/streaks.js';
import { anyRead, ownUserInPath } from '../../access-policy.js';

/**
 * Trophy's streak reads. Both show the streak as of now: a rollover that is due but not run yet
 * (the job runs at local midnight) is applied to the answer without being written.
 */
export const streakRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.get('/users/:id/streak', {
    config: { access: ownUserInPath },
    schema: {
      tags: ['Users'],
      summary: "Get a user's streak status",
      description:
        '`streakHistory` lists the last `historyPeriods` periods (1-100, default 7) through the current one, oldest first; a period without a record has length 0. `usedFreeze` is present only when freezes are enabled. `pauses` lists the current and upcoming pauses.',
      params: idParam,
      querystring: streakQuery,
      response: { 200: streakResponse, ...errorResponses },
    },
    handler: async (request) => {
      const user = await requireUser(db, request.environmentId, request.params.id);
      return userStreakResponse(db, request.environmentId, user, request.query.historyPeriods, clock.now());
    },
  });

  app.get('/streaks', {
    config: { access: anyRead },
    schema: {
      tags: ['Streaks'],
      summary: 'Get the streak lengths of a list of users',
      description:
        'Give up to 100 ids as ?userIds=a,b or ?userIds=a&userIds=b. Longest streak first; equal lengths keep the order of the request. Ids of users that do not exist are left out.',
      querystring: userIdsQuery,
      response: { 200: bulkStreakResponse, ...errorResponses },
    },
    handler: async (request) => bulkStreaks(db, request.environmentId, request.query.userIds, clock.now()),
  });
};
