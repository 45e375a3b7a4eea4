import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createOwner, findCredentials, hasAccounts, normalizeEmail, recordLogin } from '../../../console/accounts.js';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure, throttleKeys } from '../../../console/login-throttle.js';
import { prepareDummyHash, verifyAgainstDummy, verifyPassword } from '../../../console/passwords.js';
import { secretsMatch } from '../../../console/secrets-match.js';
import { createSession, sweepEndedSessions } from '../../../console/sessions.js';
import type { HttpDependencies } from '../../dependencies.js';
import { consoleErrors, errors } from '../../../errors.js';
import { errorBody } from '../../schemas/common.js';
import { setupBody, signInBody, signedIn, status } from '../../schemas/console.js';
import { setSessionCookie } from '../../session-cookie.js';

const tags = ['Console'];
const publicErrors = { 400: errorBody, 413: errorBody, 415: errorBody, 422: errorBody } as const;

/** The console routes that need no session: what the dashboard shows first, the first-run set-up, and signing in. */
export const signInRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock, config, version }) => {
  const db = backend.db;
  // So that the first sign-in with an unknown email does not take longer than the rest (see passwords.ts).
  void prepareDummyHash().catch(() => {});

  app.get('/status', {
    schema: { tags, summary: 'Console status', description: 'Public.', security: [], response: { 200: status } },
    handler: async () => ({
      setupRequired: !(await hasAccounts(db)),
      mode: config.mode,
      setupTokenRequired: config.setupToken !== undefined || config.mode === 'production',
      version,
    }),
  });

  app.post('/setup', {
    schema: {
      tags,
      summary: 'First-run set-up',
      description:
        'Creates the owner account and signs it in. Public, and only while no account exists; afterwards 409. Needs setupToken when the server was started with LAUREL_SETUP_TOKEN, and in production mode always (else 403).',
      security: [],
      body: setupBody,
      response: { 201: signedIn, 403: errorBody, 409: errorBody, ...publicErrors },
    },
    handler: async (request, reply) => {
      checkSetupToken(config.setupToken, config.mode, request.body.setupToken);
      const now = clock.now();
      const owner = await createOwner(db, request.body.email, request.body.password, now);
      if (!owner) throw consoleErrors.setupDone();
      await recordLogin(db, owner.id, now);
      const session = await createSession(db, owner.id, now);
      setSessionCookie(reply, session.token, config.mode);
      return reply.status(201).send({ account: { ...owner, lastLogin: new Date(now).toISOString() }, csrfToken: session.csrfToken });
    },
  });

  app.post('/login', {
    schema: {
      tags,
      summary: 'Sign in',
      description:
        'Sets the session cookie and answers the CSRF token. After 5 failed sign-ins for one email (or 30 from one client address) within 15 minutes: 429 with Retry-After.',
      security: [],
      body: signInBody,
      response: { 200: signedIn, 401: errorBody, 429: errorBody, ...publicErrors },
    },
    handler: async (request, reply) => {
      const now = clock.now();
      const email = normalizeEmail(request.body.email);
      const keys = throttleKeys(email, request.ip);
      const wait = await loginRetryAfter(db, keys, now);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        reply.header('retry-after', String(seconds));
        throw errors.tooManySignIns(seconds);
      }
      const found = await findCredentials(db, email);
      const valid = found ? await verifyPassword(request.body.password, found.passwordHash) : await verifyAgainstDummy(request.body.password);
      if (!found || !valid) {
        await recordLoginFailure(db, keys, now);
        throw errors.wrongCredentials();
      }
      await clearLoginFailures(db, keys[0]!);
      await sweepEndedSessions(db, now);
      await recordLogin(db, found.account.id, now);
      const session = await createSession(db, found.account.id, now);
      setSessionCookie(reply, session.token, config.mode);
      return { account: { ...found.account, lastLogin: new Date(now).toISOString() }, csrfToken: session.csrfToken };
    },
  });
};

/**
 * On a laptop (development mode) whoever opens the page first is the developer. A server reachable
 * by others must not be claimable by whoever gets there first: production mode needs the token.
 */
function checkSetupToken(expected: string | undefined, mode: 'development' | 'production', given: string | undefined): void {
  if (expected === undefined) {
    if (mode === 'production') throw errors.setupTokenMissing();
    return;
  }
  if (!secretsMatch(expected, given)) throw errors.setupTokenWrong();
}
