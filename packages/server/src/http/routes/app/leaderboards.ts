import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { visibleLeaderboards } from '../../../leaderboards/leaderboard-reads.js';
import { toVisibleLeaderboard, type VisibleLeaderboard } from '../../../leaderboards/leaderboard-views.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errorBody } from '../../schemas/common.js';
import { includeFinishedQuery, visibleLeaderboard } from '../../schemas/leaderboards.js';

const tags = ['Leaderboards'];

/** Trophy's `GET /leaderboards`: the boards users can see, with the status they see now. */
export const leaderboardListRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.get('/leaderboards', {
    schema: {
      tags,
      summary: 'Get all leaderboards',
      description:
        'Scheduled and active leaderboards, oldest first; with includeFinished=true, finished ones too (by the finish action or past their end date in every time zone). Inactive leaderboards are never listed.',
      querystring: z.object({ includeFinished: includeFinishedQuery }),
      response: { 200: z.array(visibleLeaderboard), 401: errorBody, 422: errorBody },
    },
    handler: async (request) => {
      const now = clock.now();
      return (await visibleLeaderboards(db, request.environmentId))
        .map((board) => toVisibleLeaderboard(board, now))
        .filter((board): board is VisibleLeaderboard => board !== null && (request.query.includeFinished || board.status !== 'finished'));
    },
  });
};
