import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentRun, pastRuns } from '../../../engine/leaderboards/index.js';
import { localDate } from '../../../engine/streaks/index.js';
import { findEnvironment } from '../../../environments/environments.js';
import { findLeaderboard } from '../../../leaderboards/leaderboard-reads.js';
import { errors } from '../../../errors.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errorBody, objectId } from '../../schemas/common.js';
import { sessionErrorResponses, sessionSecurity } from './responses.js';

const tags = ['Console'];

/** Two years of weekly runs: more than a picker of runs can usefully offer. */
const DEFAULT_LIMIT = 104;
const MAX_LIMIT = 1000;

const run = z.object({
  index: z.number().int().meta({ description: '0 for the first run.' }),
  start: z.string(),
  end: z.string().nullable().meta({ description: 'Inclusive; null on a perpetual board without an end.' }),
});

/**
 * A leaderboard's runs for the dashboard's picker. The Application API reads one run at a time by
 * any date inside it but does not list them; this answers with the server's own run arithmetic
 * (engine/leaderboards/runs.ts), so the dashboard never works the dates out itself. The current
 * run is the one GET /v1/leaderboards/{key} reads without `run` (today's UTC date).
 */
export const leaderboardRunRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock }) => {
  const db = backend.db;

  app.get('/environments/:environmentId/leaderboards/:id/runs', {
    schema: {
      tags,
      summary: "List a leaderboard's runs",
      description:
        "The run a rankings read without `run` shows now (the first run before the start, the last after the end), then up to `limit` runs that ended before today's UTC date, newest first. Any date of a run names it in GET /v1/leaderboards/{key}?run=. Unknown environments and leaderboards (or another environment's) are 404.",
      security: sessionSecurity,
      params: z.object({ environmentId: objectId(), id: objectId() }),
      querystring: z.object({
        limit: z.coerce
          .number({ error: 'must be a whole number' })
          .int('must be a whole number')
          .min(0, 'must be at least 0')
          .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
          .default(DEFAULT_LIMIT)
          .meta({ description: `Past runs at the most; ${DEFAULT_LIMIT} by default.` }),
      }),
      response: { 200: z.object({ current: run, past: z.array(run) }), 404: errorBody, ...sessionErrorResponses },
    },
    handler: async (request) => {
      const { environmentId, id } = request.params;
      const environment = await findEnvironment(db, environmentId);
      if (!environment) throw errors.notFound('Environment', environmentId);
      const board = await findLeaderboard(db, environment.id, id);
      if (!board) throw errors.notFound('Leaderboard', id);
      const today = localDate(clock.now(), null);
      const current = currentRun(board, today);
      // After the end the current run is the last one, which has also ended: listed once.
      const past = pastRuns(board, today, request.query.limit + 1).filter((candidate) => candidate.index < current.index);
      return { current, past: past.slice(0, request.query.limit) };
    },
  });
};
