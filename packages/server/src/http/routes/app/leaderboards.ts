import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { leaderboardWithRankings } from '../../../leaderboards/leaderboard-rankings.js';
import { visibleLeaderboards } from '../../../leaderboards/leaderboard-reads.js';
import { toVisibleLeaderboard, type VisibleLeaderboard } from '../../../leaderboards/leaderboard-views.js';
import { userLeaderboard } from '../../../leaderboards/user-leaderboard.js';
import { requireUser } from '../../../users/user-store.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errorBody } from '../../schemas/common.js';
import {
  includeFinishedQuery,
  leaderboardKeyParam,
  leaderboardWithRankings as leaderboardWithRankingsResponse,
  rankingsQuery,
  userLeaderboardParams,
  userLeaderboardQuery,
  userLeaderboardWithHistory,
  visibleLeaderboard,
} from '../../schemas/leaderboards.js';
import { anyRead, ownUserInPath } from '../../access-policy.js';

const tags = ['Leaderboards'];
const responses = { 401: errorBody, 404: errorBody, 422: errorBody };

/** Trophy's Application API reads of leaderboards: the boards users can see, a board's rankings, a user's standing. */
export const leaderboardRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock, configCache } = deps;
  const db = backend.db;

  app.get('/leaderboards', {
    config: { access: anyRead },
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

  app.get('/leaderboards/:key', {
    config: { access: anyRead },
    schema: {
      tags,
      summary: 'Get a leaderboard with its rankings',
      description:
        "The board, its status now and a page of a run's rankings: value first, ties to who reached it first. Without run, the run containing today's UTC date. With userId, offset counts from that user's place (empty when they hold none). On a board with breakdown attributes userAttributes names the group (required there, refused elsewhere: 422). Inactive boards are not found.",
      params: leaderboardKeyParam,
      querystring: rankingsQuery,
      response: { 200: leaderboardWithRankingsResponse, ...responses },
    },
    handler: async (request) => leaderboardWithRankings(db, configCache, request.environmentId, request.params.key, request.query, clock.now()),
  });

  app.get('/users/:id/leaderboards/:key', {
    config: { access: ownUserInPath },
    schema: {
      tags: ['Users'],
      summary: "Get a user's rank and history on a leaderboard",
      description:
        "The user's rank and value in a run (in their breakdown group; null when they hold no place) and their rank history, one entry per day their standing changed, the latest numEvents, oldest first. Without run, the run containing the user's local today.",
      params: userLeaderboardParams,
      querystring: userLeaderboardQuery,
      response: { 200: userLeaderboardWithHistory, ...responses },
    },
    handler: async (request) => {
      const user = await requireUser(db, request.environmentId, request.params.id);
      return userLeaderboard(db, configCache, user, request.params.key, request.query, clock.now());
    },
  });
};
