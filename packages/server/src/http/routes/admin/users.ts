import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listUserEvents, listUsers } from '../../../users/user-queries.js';
import { requireUser, toUser } from '../../../users/user-store.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errorResponses, pagination } from '../../schemas/common.js';
import { user, userIdParam, userListQuery, userMetricEvent } from '../../schemas/users.js';

const tags = ['Users (Laurel extension)'];

/**
 * Reads of users for the dashboard: Trophy's Admin API has no user list (users come from the
 * Application API). Users are the same objects GET /v1/users/{id} answers.
 */
export const adminUserRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend }) => {
  const db = backend.db;

  app.get('/users', {
    schema: {
      tags,
      summary: 'List users',
      description:
        'Newest first. `search` (up to 320 characters) keeps users whose id starts with it or whose email contains it, ignoring case; `%` and `_` match themselves.',
      querystring: userListQuery,
      response: { 200: z.array(user), ...errorResponses },
    },
    handler: async (request) => (await listUsers(db, request.environmentId, request.query)).map(toUser),
  });

  app.get('/users/:id/events', {
    schema: {
      tags,
      summary: "A user's metric events",
      description: "Newest first, each with its metric's key and name, the event's value and the user's total for the metric right after it.",
      params: userIdParam,
      querystring: pagination,
      response: { 200: z.array(userMetricEvent), ...errorResponses },
    },
    handler: async (request) => {
      const found = await requireUser(db, request.environmentId, request.params.id);
      return listUserEvents(db, request.environmentId, found.id, request.query);
    },
  });
};
