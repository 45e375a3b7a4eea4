import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Account } from '../console/accounts.js';
import { csrfTokenMatches, resumeSession, type Session } from '../console/sessions.js';
import { authenticateApiKey, touchApiKey } from '../environments/api-keys.js';
import { authenticateApplicationKey, looksLikeApplicationKey, touchApplicationKey } from '../environments/application-api-keys.js';
import { findEnvironment } from '../environments/environments.js';
import type { Schema } from '../store/schema.js';
import { errors } from '../errors.js';
import { sessionTokenFrom } from './session-cookie.js';

export interface SignedIn {
  session: Session;
  account: Account;
}

/**
 * Who is calling: an environment's admin key, a dashboard member signed in (with the environment
 * X-Laurel-Environment names), or an application key, which acts for one user of its environment
 * only (http/access-policy.ts says where it may go).
 */
export type Principal =
  | { kind: 'environment-key'; environmentId: string }
  | { kind: 'session'; environmentId: string }
  | { kind: 'application-key'; environmentId: string; userId: string };

export type PrincipalKind = Principal['kind'];

declare module 'fastify' {
  interface FastifyRequest {
    /** The environment of the API key (or the session's X-Laurel-Environment) that authenticated this request; every query is scoped to it. */
    environmentId: string;
    /** Who authenticated this request (null only before the auth hook ran). */
    principal: Principal | null;
    /** On console routes that need a session: who is signed in. */
    signedIn: SignedIn | null;
  }
}

// last_used_at is informational; writing it on every request would double the writes of reads.
const TOUCH_INTERVAL_MS = 60_000;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// What a client sent is echoed in messages cut to this length.
const MAX_ECHOED_LENGTH = 100;

/**
 * Authenticates every route of the plugin it is registered in (/admin/v1 and /v1) by `X-API-KEY`,
 * or, when no key is sent, by the dashboard's session cookie plus `X-Laurel-Environment`. A key
 * wins when both are present, and a request with a key never looks at cookies. `applicationKeys`
 * says whether the scope takes application keys at all: the Admin API refuses them (403) as soon
 * as one authenticates, before any route runs.
 */
export function requireApiKeyOrSession(
  app: FastifyInstance,
  db: Kysely<Schema>,
  clock: Clock,
  { applicationKeys }: { applicationKeys: 'allow' | 'refuse' } = { applicationKeys: 'refuse' },
): void {
  const touched = new Map<string, number>();
  app.decorateRequest('environmentId', '');
  app.decorateRequest('principal', null);
  const touch = async (keyId: string, write: (now: number) => Promise<void>) => {
    const now = clock.now();
    if ((touched.get(keyId) ?? 0) + TOUCH_INTERVAL_MS < now) {
      touched.set(keyId, now);
      await write(now);
    }
  };
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers['x-api-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    if (presented === undefined) {
      const environmentId = await environmentOfSession(request, db, clock);
      request.environmentId = environmentId;
      request.principal = { kind: 'session', environmentId };
      return;
    }
    if (!presented) throw errors.unauthorized();
    if (looksLikeApplicationKey(presented)) {
      const key = await authenticateApplicationKey(db, presented);
      if (!key) throw errors.unauthorized();
      if (applicationKeys === 'refuse') throw errors.applicationKeyForbidden(APPLICATION_KEY_REFUSED);
      request.environmentId = key.environmentId;
      request.principal = { kind: 'application-key', environmentId: key.environmentId, userId: key.userId };
      await touch(key.keyId, (now) => touchApplicationKey(db, key.keyId, now));
      return;
    }
    const key = await authenticateApiKey(db, presented);
    if (!key) throw errors.unauthorized();
    request.environmentId = key.environmentId;
    request.principal = { kind: 'environment-key', environmentId: key.environmentId };
    await touch(key.keyId, (now) => touchApiKey(db, key.keyId, now));
  });
}

const APPLICATION_KEY_REFUSED = 'An application API key can only call the Application API (/v1) for its own user: use an admin API key here';

/**
 * For scopes that authenticate by session only (the console API): a request carrying an
 * application key is refused with 403 before anything else, whether the key is valid or not, so
 * a key leaked from a web page never reaches the dashboard's own API.
 */
export function refuseApplicationKeys(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers['x-api-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    if (presented !== undefined && looksLikeApplicationKey(presented)) {
      throw errors.applicationKeyForbidden('An application API key cannot call the console API: it takes a dashboard session only');
    }
  });
}

async function environmentOfSession(request: FastifyRequest, db: Kysely<Schema>, clock: Clock): Promise<string> {
  // Without a session cookie this is an API client that forgot its key: tell it about the key.
  if (sessionTokenFrom(request.headers.cookie) === undefined) throw errors.unauthorized();
  await signIn(request, db, clock, { beforePasswordChange: false });
  const header = request.headers['x-laurel-environment'];
  const named = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!named) throw errors.environmentHeaderMissing();
  // Ids and names are short; a NUL would be refused by PostgreSQL with an error instead of "no such environment".
  const environment = named.length <= 255 && !named.includes('\u0000') ? await findEnvironment(db, named) : undefined;
  if (!environment) throw errors.environmentHeaderUnknown(named.slice(0, MAX_ECHOED_LENGTH));
  return environment.id;
}

/**
 * Requires a live dashboard session on every route of the plugin it is registered in (the console
 * API). `beforePasswordChange` lets a member still holding a one-time password through (to read
 * the session, change the password, or sign out); everywhere else that member gets 403.
 */
export function requireSession(app: FastifyInstance, db: Kysely<Schema>, clock: Clock, options: { beforePasswordChange: boolean }): void {
  app.decorateRequest('signedIn', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.signedIn = await signIn(request, db, clock, options);
  });
}

/** The session's checks, in order: a live session (401), its CSRF token on state changes (403), no pending password change (403). */
async function signIn(request: FastifyRequest, db: Kysely<Schema>, clock: Clock, { beforePasswordChange }: { beforePasswordChange: boolean }): Promise<SignedIn> {
  const token = sessionTokenFrom(request.headers.cookie);
  const signedIn = token === undefined ? undefined : await resumeSession(db, token, clock.now());
  if (!signedIn) throw errors.signInRequired();
  if (UNSAFE_METHODS.has(request.method)) {
    const header = request.headers['x-csrf-token'];
    if (!csrfTokenMatches(signedIn.session, Array.isArray(header) ? header[0] : header)) throw errors.csrf();
  }
  if (signedIn.account.mustChangePassword && !beforePasswordChange) throw errors.passwordChangeRequired();
  return signedIn;
}
