import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EnvironmentKind, Schema } from '../store/schema.js';
import { prepared } from '../store/prepared.js';

/**
 * Admin API keys in Trophy's `{prefix}.{secret}` form. The prefix is public and finds the row;
 * only a SHA-256 of the secret is stored (the secret is 32 random bytes, so a slow hash adds
 * nothing), and it is compared in constant time.
 *
 * A new key's prefix starts with the mark of its environment's kind (`prod_k3x9a0b2`), as Stripe's
 * sk_live_/sk_test_ do, so a production key is recognisable in a config file or a terminal at a
 * glance. The mark is part of the stored prefix, so it is checked like the rest of the key, and
 * an environment's kind never changes, so it never lies. Keys made before marks existed (eight
 * characters, no mark) keep working. Clients send the key as an opaque string, so Trophy's SDKs
 * are unaffected.
 */
export interface ApiKeyInfo {
  id: string;
  environmentId: string;
  prefix: string;
  name: string;
  created: string;
  lastUsed: string | null;
  revoked: boolean;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The full key; shown once. */
  key: string;
}

export const KEY_MARKS = { production: 'prod', staging: 'stage', development: 'dev' } as const satisfies Record<EnvironmentKind, string>;

const KIND_OF_MARK = new Map<string, EnvironmentKind>(Object.entries(KEY_MARKS).map(([kind, mark]) => [mark, kind as EnvironmentKind]));
const KEY_FORMAT = new RegExp(`^((?:(${Object.values(KEY_MARKS).join('|')})_)?[a-z0-9]{8})\\.([A-Za-z0-9_-]{20,128})$`);
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** For messages about a key that does not parse. */
export const KEY_FORMAT_DESCRIPTION = `{prefix}.{secret}, where the prefix is ${Object.values(KEY_MARKS).map((mark) => `${mark}_`).join(', ')} or nothing, then 8 lowercase letters or digits, and the secret 20 to 128 characters of [A-Za-z0-9_-]`;

/** `kind` is the environment kind the key's mark names; undefined for a key without a mark. */
export function parseApiKey(value: string): { prefix: string; secret: string; kind: EnvironmentKind | undefined } | undefined {
  const match = KEY_FORMAT.exec(value.trim());
  return match ? { prefix: match[1]!, secret: match[3]!, kind: match[2] === undefined ? undefined : KIND_OF_MARK.get(match[2]) } : undefined;
}

/** What is stored of a secret (application keys store the same). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether a presented secret is the one whose hash is stored, in constant time. */
export function secretMatches(secretHash: string, secret: string): boolean {
  return timingSafeEqual(Buffer.from(secretHash, 'hex'), Buffer.from(hashSecret(secret), 'hex'));
}

/** A new prefix marked with the environment's kind: `prod_k3x9a0b2`. */
export function randomPrefix(kind: EnvironmentKind): string {
  const bytes = randomBytes(8);
  return `${KEY_MARKS[kind]}_${Array.from(bytes, (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('')}`;
}

/**
 * A new key for the environment, marked with its kind. `existingKey` registers a key made
 * elsewhere (LAUREL_BOOTSTRAP_API_KEY) in either form; one whose mark names another kind is refused.
 */
export async function createApiKey(
  db: Kysely<Schema>,
  environmentId: string,
  name: string,
  now: number,
  existingKey?: string,
): Promise<CreatedApiKey> {
  const parsed = existingKey ? parseApiKey(existingKey) : undefined;
  if (existingKey && !parsed) throw new Error(`an API key must look like ${KEY_FORMAT_DESCRIPTION}`);
  const { kind } = await db.selectFrom('environments').select('kind').where('id', '=', environmentId).executeTakeFirstOrThrow();
  if (parsed?.kind !== undefined && parsed.kind !== kind) {
    throw new Error(`the key ${parsed.prefix}.… is marked ${KEY_MARKS[parsed.kind]}_ (a ${parsed.kind} key) but its environment is of kind ${kind}: use ${KEY_MARKS[kind]}_ or no mark`);
  }
  const prefix = parsed?.prefix ?? randomPrefix(kind);
  const secret = parsed?.secret ?? randomBytes(32).toString('base64url');
  const id = randomUUID();
  await db
    .insertInto('api_keys')
    .values({ id, environment_id: environmentId, prefix, secret_hash: hashSecret(secret), name, created_at: now, last_used_at: null, revoked_at: null })
    .execute();
  return { id, environmentId, prefix, name, created: new Date(now).toISOString(), lastUsed: null, revoked: false, key: `${prefix}.${secret}` };
}

const keyByPrefix = prepared((db, prefix: string) => db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix));

export async function findKeyByPrefix(db: Kysely<Schema>, prefix: string) {
  return (await keyByPrefix(db, prefix))[0];
}

/** The environment a presented key belongs to, or undefined for a missing, malformed, wrong or revoked key. */
export async function authenticateApiKey(db: Kysely<Schema>, presented: string): Promise<{ keyId: string; environmentId: string } | undefined> {
  const parsed = parseApiKey(presented);
  if (!parsed) return undefined;
  const row = await findKeyByPrefix(db, parsed.prefix);
  if (!row || row.revoked_at !== null) return undefined;
  if (!secretMatches(row.secret_hash, parsed.secret)) return undefined;
  return { keyId: row.id, environmentId: row.environment_id };
}

export async function touchApiKey(db: Kysely<Schema>, keyId: string, now: number): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', keyId).execute();
}

/** A revoked key stops authenticating at once; its row stays so its prefix is never reused. Returns false for an unknown id. */
export async function revokeApiKey(db: Kysely<Schema>, keyId: string, now: number): Promise<boolean> {
  const result = await db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', keyId).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

type ApiKeyRow = { id: string; environment_id: string; prefix: string; name: string; created_at: number; last_used_at: number | null; revoked_at: number | null };

function toApiKeyInfo(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    environmentId: row.environment_id,
    prefix: row.prefix,
    name: row.name,
    created: new Date(row.created_at).toISOString(),
    lastUsed: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
    revoked: row.revoked_at !== null,
  };
}

const INFO_COLUMNS = ['id', 'environment_id', 'prefix', 'name', 'created_at', 'last_used_at', 'revoked_at'] as const;

/** An environment's keys, oldest first, without their secrets (only hashes are stored). */
export async function listApiKeys(db: Kysely<Schema>, environmentId: string, limit: number, skip: number): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(INFO_COLUMNS)
    .where('environment_id', '=', environmentId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(skip)
    .execute();
  return rows.map(toApiKeyInfo);
}

/** Revokes or re-activates a key of this environment; undefined for an unknown id or another environment's key. */
export async function setApiKeyRevoked(db: Kysely<Schema>, environmentId: string, keyId: string, revoked: boolean, now: number): Promise<ApiKeyInfo | undefined> {
  // A key already revoked keeps the time it was first revoked.
  const row = await db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: revoked ? eb.fn.coalesce('revoked_at', eb.val(now)) : null }))
    .where('id', '=', keyId)
    .where('environment_id', '=', environmentId)
    .returning(INFO_COLUMNS)
    .executeTakeFirst();
  return row && toApiKeyInfo(row);
}

/** Deletes a key of this environment; its prefix becomes free. Returns false for an unknown id or another environment's key. */
export async function deleteApiKey(db: Kysely<Schema>, environmentId: string, keyId: string): Promise<boolean> {
  const result = await db.deleteFrom('api_keys').where('id', '=', keyId).where('environment_id', '=', environmentId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
