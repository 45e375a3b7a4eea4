import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';
import { findAccount, type Account } from './accounts.js';
import { secretsMatch } from './secrets-match.js';

/**
 * Dashboard sessions. The cookie holds 32 random bytes (base64url); the database holds only their
 * SHA-256, so reading the table does not give anyone a session. A session ends after 7 days
 * without use or 30 days after sign-in, whichever comes first.
 */
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 30 * 24 * 60 * 60 * 1000;
/** Using a session moves its idle expiry at most this often: one write an hour, not one per request. */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 60 * 1000;

const TOKEN_BYTES = 32;

export interface Session {
  /** SHA-256 (hex) of the token. */
  id: string;
  accountId: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

export interface NewSession extends Session {
  /** What the cookie carries; never stored. */
  token: string;
}

export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(db: Kysely<Schema>, accountId: string, now: number): Promise<NewSession> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const session: NewSession = {
    token,
    id: sessionIdOf(token),
    accountId,
    csrfToken: randomBytes(TOKEN_BYTES).toString('base64url'),
    createdAt: now,
    expiresAt: now + SESSION_IDLE_MS,
  };
  await db
    .insertInto('sessions')
    .values({ id: session.id, account_id: accountId, csrf_token: session.csrfToken, created_at: now, last_seen_at: now, expires_at: session.expiresAt })
    .execute();
  return session;
}

/** The live session a token belongs to and its account, with the idle expiry moved forward; undefined when unknown or ended. */
export async function resumeSession(db: Kysely<Schema>, token: string, now: number): Promise<{ session: Session; account: Account } | undefined> {
  const id = sessionIdOf(token);
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
  if (!row) return undefined;
  let expiresAt = row.expires_at;
  if (now - row.last_seen_at >= SESSION_TOUCH_INTERVAL_MS) {
    expiresAt = Math.min(now + SESSION_IDLE_MS, row.created_at + SESSION_ABSOLUTE_MS);
    await db.updateTable('sessions').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', id).execute();
  }
  const account = await findAccount(db, row.account_id);
  if (!account) return undefined;
  return { session: { id, accountId: row.account_id, csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt }, account };
}

/** Constant-time comparison of a presented X-CSRF-Token with the session's. */
export function csrfTokenMatches(session: Session, presented: string | undefined): boolean {
  return secretsMatch(session.csrfToken, presented);
}

export async function endSession(db: Kysely<Schema>, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Deletes every ended session; run at sign-in, so the table holds only live sessions and recent leftovers. */
export async function sweepEndedSessions(db: Kysely<Schema>, now: number): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}
