import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { requireSession } from '../../auth.js';
import type { HttpDependencies } from '../../dependencies.js';
import { environmentRoutes } from './environments.js';
import { failedJobRoutes } from './failed-jobs.js';
import { leaderboardRunRoutes } from './leaderboard-runs.js';
import { memberRoutes } from './members.js';
import { sessionRoutes } from './session.js';
import { signInRoutes } from './sign-in.js';

/**
 * The console API (/console/v1): accounts and sessions for the dashboard, which then calls
 * /admin/v1 and /v1 with its session cookie. @fastify/cookie is registered here only, so the
 * API-key scopes run no cookie hooks; it writes Set-Cookie, and does not parse (auth.ts reads the one cookie).
 */
export function consoleApi(deps: HttpDependencies) {
  const { db } = deps.backend;
  return async (app: FastifyInstance) => {
    await app.register(cookie, { hook: false });
    await app.register(signInRoutes, deps);
    await app.register(async (scope) => {
      requireSession(scope, db, deps.clock, { beforePasswordChange: true });
      await scope.register(sessionRoutes, deps);
    });
    await app.register(async (scope) => {
      requireSession(scope, db, deps.clock, { beforePasswordChange: false });
      await scope.register(memberRoutes, deps);
      await scope.register(environmentRoutes, deps);
      await scope.register(leaderboardRunRoutes, deps);
      await scope.register(failedJobRoutes, deps);
    });
  };
}
