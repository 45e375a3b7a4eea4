import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../../../users/user-store.js';
import { userWrapped } from '../../../wrapped/user-wrapped.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errorResponses } from '../../schemas/common.js';
import { userIdParam } from '../../schemas/users.js';
import { wrappedQuery, wrappedResponse } from '../../schemas/wrapped.js';
import { ownUserInPath } from '../../access-policy.js';

/** Trophy's year in review: GET /users/{id}/wrapped. */
export const wrappedRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.get('/users/:id/wrapped', {
    config: { access: ownUserInPath },
    schema: {
      tags: ['Users'],
      summary: "Get a user's wrapped data",
      description:
        "The user's year in review, in their time zone (UTC without one): days, weeks and months active, the most active day, week and month (most metric events), and the whole year with the longest streak; each with every active metric and points system (total at the period's end, change, percent change, percentile for weeks, months and the year), the achievements completed and the best rank on each board. `year` defaults to the current one; a later year is a 400, a year below 1 a 422.",
      params: userIdParam,
      querystring: wrappedQuery,
      response: { 200: wrappedResponse, ...errorResponses },
    },
    handler: async (request) => {
      const user = await requireUser(db, request.environmentId, request.params.id);
      return userWrapped(db, request.environmentId, user, request.query.year, clock.now());
    },
  });
};
