import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findEnvironment } from '../../../environments/environments.js';
import { errors } from '../../../errors.js';
import { listFailedJobs, retryFailedJob } from '../../../schedule/failed-jobs.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errorBody, objectId } from '../../schemas/common.js';
import { sessionErrorResponses, sessionSecurity } from './responses.js';

const tags = ['Console'];
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const failedJob = z.object({
  id: z.string(),
  kind: z.string().meta({ description: 'The job kind, e.g. streak, achievement-backdate, leaderboard-lifecycle.' }),
  subject: z.string().meta({ description: 'What the job is about: a user id, a board id, all-users for a walk.' }),
  payload: z.string().nullable().meta({ description: 'The stored payload, as JSON text.' }),
  error: z.string().meta({ description: 'Why the scheduler gave it up.' }),
  attempts: z.number().int(),
  created: z.string().meta({ description: 'When it was first scheduled (ISO 8601).' }),
  failed: z.string().meta({ description: 'When it was given up (ISO 8601).' }),
});

/**
 * The scheduler's given-up jobs (failed_jobs, migration 0008) for the dashboard and operators:
 * a list per environment and a retry. Jobs that merely fail a run are retried by the scheduler
 * itself with back-off; these are the ones it will not run again on its own.
 */
export const failedJobRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock }) => {
  const db = backend.db;
  const environmentOf = async (id: string) => {
    const environment = await findEnvironment(db, id);
    if (!environment) throw errors.notFound('Environment', id);
    return environment;
  };

  app.get('/environments/:environmentId/failed-jobs', {
    schema: {
      tags,
      summary: "List an environment's failed jobs",
      description:
        'Scheduled jobs the scheduler gave up because their stored payload does not fit their kind (or no kind of that name exists): kind, subject, payload, error and when, the most recent first. An unknown environment is 404.',
      security: sessionSecurity,
      params: z.object({ environmentId: objectId() }),
      querystring: z.object({
        limit: z.coerce
          .number({ error: 'must be a whole number' })
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(MAX_LIMIT, `must be at most ${MAX_LIMIT}`)
          .default(DEFAULT_LIMIT),
      }),
      response: { 200: z.array(failedJob), 404: errorBody, ...sessionErrorResponses },
    },
    handler: async (request) => {
      const environment = await environmentOf(request.params.environmentId);
      return listFailedJobs(db, environment.id, request.query.limit);
    },
  });

  app.post('/environments/:environmentId/failed-jobs/:id/retry', {
    schema: {
      tags,
      summary: 'Retry a failed job',
      description:
        'Puts the job back on the schedule, due now, and removes it from the failed jobs. `requeued` is false when the same job (kind and subject) has been scheduled again since, by a later change: that newer schedule stands. A job whose payload still does not fit fails again (and is listed again). Unknown environments and failed jobs are 404.',
      security: sessionSecurity,
      params: z.object({ environmentId: objectId(), id: z.string().min(1) }),
      response: { 200: z.object({ requeued: z.boolean() }), 404: errorBody, ...sessionErrorResponses },
    },
    handler: async (request) => {
      const environment = await environmentOf(request.params.environmentId);
      const result = await retryFailedJob(db, environment.id, request.params.id, clock.now());
      if (!result) throw errors.notFound('Failed job', request.params.id);
      return result;
    },
  });
};
