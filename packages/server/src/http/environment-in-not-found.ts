import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { findEnvironment } from '../environments/environments.js';
import type { Schema } from '../store/schema.js';
import { ApiError, errors } from '../errors.js';

/**
 * In the scope it is installed in (the Application and Admin APIs), a 404 for an unknown metric,
 * achievement, user, webhook or any other thing a request names also names the environment that
 * was searched. A valid key for the wrong environment (a
 * production key, while the metric was made in development) otherwise reads like a typo in the key.
 * The environment is read only when such an error happens; the app's error handler then answers.
 */
export function nameEnvironmentInNotFound(scope: FastifyInstance, db: Kysely<Schema>): void {
  scope.setErrorHandler(async (error, request) => {
    if (error instanceof ApiError && error.lookup && request.environmentId) {
      const environment = await findEnvironment(db, request.environmentId);
      const via = request.headers['x-api-key'] === undefined ? 'session' : 'key';
      if (environment) throw errors.notFoundInEnvironment(error.lookup.what, error.lookup.id, environment, via);
    }
    throw error;
  });
}
