import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createLeaderboards } from '../../../leaderboards/create-leaderboards.js';
import { deleteLeaderboards } from '../../../leaderboards/delete-leaderboards.js';
import { findLeaderboard, listLeaderboards } from '../../../leaderboards/leaderboard-reads.js';
import { toAdminLeaderboard } from '../../../leaderboards/leaderboard-views.js';
import { updateLeaderboards } from '../../../leaderboards/update-leaderboards.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errors } from '../../../errors.js';
import { bodyErrorResponses, errorResponses, idList, idParam, pagination } from '../../schemas/common.js';
import {
  adminLeaderboard,
  createLeaderboardsBody,
  createLeaderboardsResponse,
  deleteLeaderboardsResponse,
  updateLeaderboardsBody,
  updateLeaderboardsResponse,
} from '../../schemas/leaderboards.js';

const tags = ['Leaderboards'];

/**
 * Trophy's Admin API for leaderboards. A body that does not fit the schema, or an item that breaks
 * a rule (a combination of fields, a date, a change its board's status forbids, an id naming no
 * metric, points system or user attribute), refuses the whole request with 422 and writes nothing;
 * only a key in use and an unknown or repeated id are per-item issues. The rules are
 * engine/leaderboards/validate.ts, described in docs/engine.md.
 */
export const leaderboardAdminRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.get('/leaderboards', {
    schema: { tags, summary: 'List leaderboards', description: 'Oldest first, every status.', querystring: pagination, response: { 200: z.array(adminLeaderboard), ...errorResponses } },
    handler: async (request) => {
      const now = clock.now();
      return (await listLeaderboards(db, request.environmentId, request.query.limit, request.query.skip)).map((board) => toAdminLeaderboard(board, now));
    },
  });

  app.post('/leaderboards', {
    schema: {
      tags,
      summary: 'Create leaderboards',
      description:
        'Defaults: status inactive, maxParticipants 1000, start today (UTC). A key already in use, or repeated later in the request, is an issue for that item; the others are created. Answers 201 if at least one leaderboard was created, else 200.',
      body: createLeaderboardsBody,
      response: { 200: createLeaderboardsResponse, 201: createLeaderboardsResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const result = await createLeaderboards(db, request.environmentId, request.body, clock.now());
      if ('refused' in result) throw errors.invalid(result.refused.join('; '));
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  });

  app.patch('/leaderboards', {
    schema: {
      tags,
      summary: 'Update leaderboards',
      description:
        'Fields left out are kept; end, startTime, endTime and runUnit take null to clear (runUnit null also clears runInterval). Once a board has left inactive, key, rankBy, metricId, pointsSystemId, breakdownAttributes, runUnit and runInterval are fixed, and start once it has started. Unknown or repeated ids and keys in use are issues; the other changes are applied.',
      body: updateLeaderboardsBody,
      response: { 200: updateLeaderboardsResponse, ...bodyErrorResponses },
    },
    handler: async (request) => {
      const result = await updateLeaderboards(db, request.environmentId, request.body, clock.now());
      if ('refused' in result) throw errors.invalid(result.refused.join('; '));
      return result;
    },
  });

  app.delete('/leaderboards', {
    schema: {
      tags,
      summary: 'Delete leaderboards',
      description: 'Give ids as ?ids=a,b or ?ids=a&ids=b. Deleting a leaderboard also deletes its rankings, scores and history. Unknown ids are issues; the others are deleted.',
      querystring: z.object({ ids: idList }),
      response: { 200: deleteLeaderboardsResponse, ...errorResponses },
    },
    handler: async (request) => {
      const { deleted, issues } = await deleteLeaderboards(db, request.environmentId, request.query.ids);
      return { deleted: deleted.map((id) => ({ id })), issues };
    },
  });

  app.get('/leaderboards/:id', {
    schema: { tags, summary: 'Get a leaderboard', params: idParam, response: { 200: adminLeaderboard, ...errorResponses } },
    handler: async (request) => {
      const board = await findLeaderboard(db, request.environmentId, request.params.id);
      if (!board) throw errors.notFound('Leaderboard', request.params.id);
      return toAdminLeaderboard(board, clock.now());
    },
  });
};
