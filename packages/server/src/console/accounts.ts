import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import type { AccountRole, Schema } from '../store/schema.js';
import { hashPassword } from './passwords.js';

/**
 * The people who sign in to the dashboard. The first account is the owner (created by the
 * first-run set-up); the owner adds members, who get a one-time password they must change.
 */
export interface Account {
  id: string;
  email: string;
  role: AccountRole;
  mustChangePassword: boolean;
  created: string;
  lastLogin: string | null;
}

type AccountRow = { id: string; email: string; role: AccountRole; must_change_password: number; created_at: number; last_login_at: number | null };

const ACCOUNT_COLUMNS = ['id', 'email', 'role', 'must_change_password', 'created_at', 'last_login_at'] as const;

// 15 random bytes: 20 base64url characters, 120 bits.
const ONE_TIME_PASSWORD_BYTES = 15;

/** Emails are compared and stored lowercased, so "Ann@x.io" and "ann@x.io" are one account. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function hasAccounts(db: Kysely<Schema>): Promise<boolean> {
  return (await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** The first-run set-up. Undefined once any account exists; the one-owner index settles a race between two set-ups. */
export async function createOwner(db: Kysely<Schema>, email: string, password: string, now: number): Promise<Account | undefined> {
  if (await hasAccounts(db)) return undefined;
  const row: AccountRow & { password_hash: string } = {
    id: newId(),
    email: normalizeEmail(email),
    password_hash: await hashPassword(password),
    role: 'owner',
    must_change_password: 0,
    created_at: now,
    last_login_at: null,
  };
  const inserted = await db.insertInto('accounts').values(row).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
  return inserted && toAccount(row);
}

/** A member with a one-time password (shown once); undefined when the email is taken. */
export async function createMember(db: Kysely<Schema>, email: string, now: number): Promise<{ member: Account; oneTimePassword: string } | undefined> {
  const oneTimePassword = randomBytes(ONE_TIME_PASSWORD_BYTES).toString('base64url');
  const row: AccountRow & { password_hash: string } = {
    id: newId(),
    email: normalizeEmail(email),
    password_hash: await hashPassword(oneTimePassword),
    role: 'member',
    must_change_password: 1,
    created_at: now,
    last_login_at: null,
  };
  const inserted = await db
    .insertInto('accounts')
    .values(row)
    .onConflict((oc) => oc.column('email').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted && { member: toAccount(row), oneTimePassword };
}

/** Oldest first: the owner, then members in the order they were added. */
export async function listAccounts(db: Kysely<Schema>): Promise<Account[]> {
  const rows = await db.selectFrom('accounts').select(ACCOUNT_COLUMNS).orderBy('created_at').orderBy('id').execute();
  return rows.map(toAccount);
}

export async function findAccount(db: Kysely<Schema>, id: string): Promise<Account | undefined> {
  const row = await db.selectFrom('accounts').select(ACCOUNT_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

/** The account and its password hash, for signing in. */
export async function findCredentials(db: Kysely<Schema>, email: string): Promise<{ account: Account; passwordHash: string } | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select([...ACCOUNT_COLUMNS, 'password_hash'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row && { account: toAccount(row), passwordHash: row.password_hash };
}

export async function passwordHashOf(db: Kysely<Schema>, id: string): Promise<string | undefined> {
  return (await db.selectFrom('accounts').select('password_hash').where('id', '=', id).executeTakeFirst())?.password_hash;
}

export async function recordLogin(db: Kysely<Schema>, id: string, now: number): Promise<void> {
  await db.updateTable('accounts').set({ last_login_at: now }).where('id', '=', id).execute();
}

/** Sets a new password, clears the one-time-password flag and ends every other session of the account. */
export async function changePassword(db: Kysely<Schema>, id: string, newPassword: string, keepSessionId: string): Promise<void> {
  const passwordHash = await hashPassword(newPassword);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set({ password_hash: passwordHash, must_change_password: 0 }).where('id', '=', id).execute();
    await trx.deleteFrom('sessions').where('account_id', '=', id).where('id', '!=', keepSessionId).execute();
  });
}

export type RemoveResult = 'removed' | 'not-found' | 'owner';

/** Removes a member and, with it, every session of theirs. The owner cannot be removed. */
export async function removeMember(db: Kysely<Schema>, id: string): Promise<RemoveResult> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('accounts').select('role').where('id', '=', id).executeTakeFirst();
    if (!row) return 'not-found';
    if (row.role === 'owner') return 'owner';
    // Sessions cascade with the account; deleted explicitly too so no backend setting can leave one behind.
    await trx.deleteFrom('sessions').where('account_id', '=', id).execute();
    await trx.deleteFrom('accounts').where('id', '=', id).execute();
    return 'removed';
  });
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    mustChangePassword: row.must_change_password === 1,
    created: new Date(row.created_at).toISOString(),
    lastLogin: row.last_login_at === null ? null : new Date(row.last_login_at).toISOString(),
  };
}
