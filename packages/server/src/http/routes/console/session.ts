import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { changePassword, passwordHashOf } from '../../../console/accounts.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure, throttleKeys } from '../../../console/login-throttle.js';
import { verifyPassword } from '../../../console/passwords.js';
import { endSession } from '../../../console/sessions.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errors } from '../../../errors.js';
import { errorBody } from '../../schemas/common.js';
import { changePasswordBody, noContent, sessionInfo } from '../../schemas/console.js';
import { clearSessionCookie } from '../../session-cookie.js';
import { sessionBodyErrorResponses, sessionErrorResponses, sessionSecurity } from './responses.js';

const tags = ['Console'];

/**
 * The signed-in account's own session. These routes stay open to a member who still has a
 * one-time password, so they can change it (or sign out).
 */
export const sessionRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock, config }) => {
  const db = backend.db;

  app.get('/session', {
    schema: { tags, summary: 'The current session', security: sessionSecurity, response: { 200: sessionInfo, ...sessionErrorResponses } },
    handler: async (request) => {
      const { account, session } = request.signedIn!;
      return { account, csrfToken: session.csrfToken, expires: new Date(session.expiresAt).toISOString() };
    },
  });

  app.post('/logout', {
    schema: { tags, summary: 'Sign out', description: 'Ends the session and clears its cookie.', security: sessionSecurity, response: { 204: noContent, ...sessionErrorResponses } },
    handler: async (request, reply) => {
      await endSession(db, request.signedIn!.session.id);
      clearSessionCookie(reply, config.mode);
      return reply.status(204).send(null);
    },
  });

  app.post('/password', {
    schema: {
      tags,
      summary: 'Change your password',
      description:
        "Needs the current password (a wrong one counts as a failed sign-in). Clears mustChangePassword and ends the account's other sessions; this one stays.",
      security: sessionSecurity,
      body: changePasswordBody,
      response: { 204: noContent, 429: errorBody, ...sessionBodyErrorResponses },
    },
    handler: async (request, reply) => {
      const now = clock.now();
      const { account, session } = request.signedIn!;
      const keys = throttleKeys(account.email, request.ip);
      const wait = await loginRetryAfter(db, keys, now);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        reply.header('retry-after', String(seconds));
        throw errors.tooManySignIns(seconds);
      }
      const stored = await passwordHashOf(db, account.id);
      if (!stored || !(await verifyPassword(request.body.currentPassword, stored))) {
        await recordLoginFailure(db, keys, now);
        throw errors.wrongCurrentPassword();
      }
      await clearLoginFailures(db, keys[0]!);
      await changePassword(db, account.id, request.body.newPassword, session.id);
      return reply.status(204).send(null);
    },
  });
};
