import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Account } from '../console/accounts.js';
import { csrfTokenMatches, resumeSession, type Session } from '../console/sessions.js';
import { authenticateApiKey, touchApiKey } from '../environments/api-keys.js';
import { findEnvironment } from '../environments/environments.js';
import type { Schema } from '../store/schema.js';
import { errors } from '../errors.js';
import { sessionTokenFrom } from './session-cookie.js';

export interface SignedIn {
  session: Session;
  account: Account;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The environment of the API key (or the session's X-Laurel-Environment) that authenticated this request; every query is scoped to it. */
    environmentId: string;
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
 * wins when both are present, and a request with a key never looks at cookies.
 */
export function requireApiKeyOrSession(app: FastifyInstance, db: Kysely<Schema>, clock: Clock): void {
  const touched = new Map<string, number>();
  app.decorateRequest('environmentId', '');
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers['x-api-key'];
    const presented = Array.isArray(header) ? header[0] : header;
    if (presented === undefined) {
      request.environmentId = await environmentOfSession(request, db, clock);
      return;
    }
    if (!presented) throw errors.unauthorized();
    const key = await authenticateApiKey(db, presented);
    if (!key) throw errors.unauthorized();
    request.environmentId = key.environmentId;
    const now = clock.now();
    if ((touched.get(key.keyId) ?? 0) + TOUCH_INTERVAL_MS < now) {
      touched.set(key.keyId, now);
      await touchApiKey(db, key.keyId, now);
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
