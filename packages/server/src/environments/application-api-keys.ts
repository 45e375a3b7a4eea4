import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';
import { prepared } from '../store/prepared.js';
import { hashSecret, KEY_MARKS, randomPrefix, secretMatches } from './api-keys.js';

/**
 * Application API keys (Trophy's `POST/DELETE /application-api-keys`): `{prefix}.{secret}` like an
 * admin key, with `app_` before the environment's mark (`app_prod_k3x9a0b2.…`), so the two kinds
 * are told apart from the key alone and a key found in a web page says what it can do. Each is
 * bound to one user: http/access-policy.ts lets it act only for that user, on the Application API.
 * Stored hashed, like admin keys; the whole key is shown once, at creation.
 */
export const APPLICATION_KEY_MARK = 'app';

const APPLICATION_KEY_FORMAT = new RegExp(`^(${APPLICATION_KEY_MARK}_(?:${Object.values(KEY_MARKS).join('|')})_[a-z0-9]{8})\\.([A-Za-z0-9_-]{20,128})$`);

/** Whether a presented key claims to be an application key (by its `app_` start), valid or not. */
export function looksLikeApplicationKey(presented: string): boolean {
  return presented.trim().startsWith(`${APPLICATION_KEY_MARK}_`);
}

export interface CreatedApplicationKey {
  id: string;
  userId: string;
  key: string;
  prefix: string;
}

export interface ApplicationKeyIssue {
  userId?: string;
  id?: string;
  index?: number;
  severity: 'error';
  message: string;
}

/**
 * One key per item whose user exists in the environment (in the order asked; the same user twice
 * gets two keys); an item naming no user is an issue, by its index and user id, and gets none.
 */
export async function createApplicationKeys(
  db: Kysely<Schema>,
  environmentId: string,
  userIds: readonly string[],
  now: number,
): Promise<{ created: CreatedApplicationKey[]; issues: ApplicationKeyIssue[] }> {
  const { kind } = await db.selectFrom('environments').select('kind').where('id', '=', environmentId).executeTakeFirstOrThrow();
  const wanted = [...new Set(userIds)];
  const existing = new Set(
    (await db.selectFrom('users').select('id').where('environment_id', '=', environmentId).where('id', 'in', wanted).execute()).map((row) => row.id),
  );
  const created: CreatedApplicationKey[] = [];
  const issues: ApplicationKeyIssue[] = [];
  const rows: Schema['application_api_keys'][] = [];
  userIds.forEach((userId, index) => {
    if (!existing.has(userId)) {
      issues.push({ index, userId, severity: 'error', message: 'User does not exist' });
      return;
    }
    const prefix = `${APPLICATION_KEY_MARK}_${randomPrefix(kind)}`;
    const secret = randomBytes(32).toString('base64url');
    const id = randomUUID();
    rows.push({ id, environment_id: environmentId, user_id: userId, prefix, secret_hash: hashSecret(secret), created_at: now, last_used_at: null });
    created.push({ id, userId, key: `${prefix}.${secret}`, prefix });
  });
  if (rows.length > 0) await db.insertInto('application_api_keys').values(rows).execute();
  return { created, issues };
}

const keyByPrefix = prepared((db, prefix: string) => db.selectFrom('application_api_keys').selectAll().where('prefix', '=', prefix));

/** The environment and user of a presented application key, or undefined for a malformed, wrong or deleted one. */
export async function authenticateApplicationKey(
  db: Kysely<Schema>,
  presented: string,
): Promise<{ keyId: string; environmentId: string; userId: string } | undefined> {
  const match = APPLICATION_KEY_FORMAT.exec(presented.trim());
  if (!match) return undefined;
  const row = (await keyByPrefix(db, match[1]!))[0];
  if (!row || !secretMatches(row.secret_hash, match[2]!)) return undefined;
  return { keyId: row.id, environmentId: row.environment_id, userId: row.user_id };
}

export async function touchApplicationKey(db: Kysely<Schema>, keyId: string, now: number): Promise<void> {
  await db.updateTable('application_api_keys').set({ last_used_at: now }).where('id', '=', keyId).execute();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Deletes this environment's keys by id; it stops authenticating at once. A malformed or unknown id is an issue. */
export async function deleteApplicationKeys(
  db: Kysely<Schema>,
  environmentId: string,
  ids: readonly string[],
): Promise<{ deleted: { id: string }[]; issues: ApplicationKeyIssue[] }> {
  const issues: ApplicationKeyIssue[] = [];
  const wellFormed = [...new Set(ids)].filter((id) => {
    if (UUID.test(id)) return true;
    issues.push({ id, severity: 'error', message: 'id must be a valid UUID' });
    return false;
  });
  const removed =
    wellFormed.length === 0
      ? []
      : await db.deleteFrom('application_api_keys').where('environment_id', '=', environmentId).where('id', 'in', wellFormed).returning('id').execute();
  const gone = new Set(removed.map((row) => row.id));
  for (const id of wellFormed) if (!gone.has(id)) issues.push({ id, severity: 'error', message: 'Application API key not found by ID' });
  return { deleted: wellFormed.filter((id) => gone.has(id)).map((id) => ({ id })), issues };
}
