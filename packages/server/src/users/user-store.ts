import type { Kysely } from 'kysely';
import { ApiError, errors } from '../errors.js';
import type { User, WebhookUser } from '../events/payloads.js';
import type { Schema, UserRow } from '../store/schema.js';
import type { UpsertedUserInput, UserFields } from './user-input.js';
import { prepared } from '../store/prepared.js';
import { localDate } from '../engine/streaks/index.js';
import { scheduleUserAnniversaries } from '../achievements/anniversary-schedule.js';

/**
 * How a write treats a user that does or doesn't exist yet:
 * `create` (POST /users) refuses an existing one, `update` (PATCH) a missing one,
 * `identify` (PUT, and the `user` inside events and completions) creates or updates.
 */
export type UpsertMode = 'create' | 'update' | 'identify';

export interface UpsertResult {
  user: UserRow;
  created: boolean;
  /** The user before this write; undefined when created. */
  previous?: UserRow | undefined;
}

const DEFAULT_PREFERENCES = JSON.stringify({ notifications: {} });

/**
 * Creates or updates a user inside the caller's transaction, after checking the business rules
 * (declared attribute keys, an email before subscribing). Fields left out are untouched;
 * attributes merge key by key; `deviceTokens` replaces the list (null clears it).
 * `lockForUpdate` (PostgreSQL) holds the user's row until commit, so one user's writes run one at a time.
 */
export async function upsertUser(
  trx: Kysely<Schema>,
  environmentId: string,
  input: UpsertedUserInput,
  mode: UpsertMode,
  now: number,
  lockForUpdate: boolean,
  /** The environment's user-attribute keys when the caller has them cached; read here otherwise. */
  declaredKeys?: ReadonlySet<string>,
): Promise<UpsertResult> {
  if (declaredKeys) requireDeclared(input.attributes, declaredKeys, 'user');
  else await checkAttributeKeys(trx, environmentId, input.attributes);
  let existing = await findUser(trx, environmentId, input.id, lockForUpdate);
  if (existing && mode === 'create') throw errors.business(`User already exists: ${input.id}`);
  if (!existing && mode === 'update') throw errors.notFound('User', input.id);

  checkSignUpDate(input.signUpDate, input.tz !== undefined ? input.tz : (existing?.tz ?? null), now);
  if (!existing) {
    const row = newUserRow(environmentId, input, now);
    const inserted = await trx.insertInto('users').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 1n) {
      if (row.sign_up_date !== null) await scheduleUserAnniversaries(trx, environmentId, row, now);
      return { user: row, created: true };
    }
    // Another transaction created the same user a moment ago: update it like an existing one.
    existing = await findUser(trx, environmentId, input.id, lockForUpdate);
    if (!existing) throw new Error(`user ${input.id} vanished during upsert`);
    if (mode === 'create') throw errors.business(`User already exists: ${input.id}`);
  }

  const changes = applyFields(existing, input);
  if (!changes) return { user: existing, created: false, previous: existing };
  const updated = { ...existing, ...changes, updated_at: now };
  await trx
    .updateTable('users')
    .set({ ...changes, updated_at: now })
    .where('environment_id', '=', environmentId)
    .where('id', '=', input.id)
    .execute();
  // Anniversary days start at the user's local midnight: a new sign-up date or time zone moves their job.
  if (changes.sign_up_date !== undefined || (changes.tz !== undefined && updated.sign_up_date !== null)) {
    await scheduleUserAnniversaries(trx, environmentId, updated, now);
  }
  return { user: updated, created: false, previous: existing };
}

const userById = prepared((db, environmentId: string, id: string) => db.selectFrom('users').selectAll().where('environment_id', '=', environmentId).where('id', '=', id));
const userByIdForUpdate = prepared((db, environmentId: string, id: string) =>
  db.selectFrom('users').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).forUpdate(),
);

export async function findUser(db: Kysely<Schema>, environmentId: string, id: string, lockForUpdate = false): Promise<UserRow | undefined> {
  return (await (lockForUpdate ? userByIdForUpdate : userById)(db, environmentId, id))[0];
}

export async function requireUser(db: Kysely<Schema>, environmentId: string, id: string): Promise<UserRow> {
  const user = await findUser(db, environmentId, id);
  if (!user) throw errors.notFound('User', id);
  return user;
}

function newUserRow(environmentId: string, input: UpsertedUserInput, now: number): UserRow {
  const subscribe = input.subscribeToEmails ?? true;
  if (input.subscribeToEmails === true && !input.email) throw subscribeWithoutEmail();
  return {
    environment_id: environmentId,
    id: input.id,
    // Trophy does not keep the address of a user who opted out of its emails.
    email: subscribe ? (input.email ?? null) : null,
    name: input.name ?? null,
    tz: input.tz ?? null,
    device_tokens: input.deviceTokens ? JSON.stringify(input.deviceTokens) : null,
    subscribe_to_emails: subscribe ? 1 : 0,
    attributes: JSON.stringify(input.attributes ?? {}),
    control: 0,
    preferences: DEFAULT_PREFERENCES,
    sign_up_date: input.signUpDate ?? null,
    created_at: now,
    updated_at: now,
  };
}

type UserChanges = Partial<Pick<UserRow, 'email' | 'name' | 'tz' | 'device_tokens' | 'subscribe_to_emails' | 'attributes' | 'sign_up_date'>>;

/** The columns this input changes, or undefined when it changes nothing. */
function applyFields(existing: UserRow, input: UserFields): UserChanges | undefined {
  const changes: UserChanges = {};
  const subscribe = input.subscribeToEmails ?? existing.subscribe_to_emails === 1;
  const email = input.email !== undefined ? input.email : existing.email;
  if (input.subscribeToEmails === true && !email) throw subscribeWithoutEmail();
  const storedEmail = subscribe ? email : null;
  if (storedEmail !== existing.email) changes.email = storedEmail;
  if ((subscribe ? 1 : 0) !== existing.subscribe_to_emails) changes.subscribe_to_emails = subscribe ? 1 : 0;
  if (input.name !== undefined && input.name !== existing.name) changes.name = input.name;
  if (input.tz !== undefined && input.tz !== existing.tz) changes.tz = input.tz;
  if (input.signUpDate !== undefined && input.signUpDate !== existing.sign_up_date) changes.sign_up_date = input.signUpDate;
  if (input.deviceTokens !== undefined) {
    const tokens = input.deviceTokens === null ? null : JSON.stringify(input.deviceTokens);
    if (tokens !== existing.device_tokens) changes.device_tokens = tokens;
  }
  if (input.attributes && Object.keys(input.attributes).length > 0) {
    const merged = JSON.stringify({ ...(JSON.parse(existing.attributes) as Record<string, string>), ...input.attributes });
    if (merged !== existing.attributes) changes.attributes = merged;
  }
  return Object.keys(changes).length > 0 ? changes : undefined;
}

/** Attribute keys on a user must be declared user attributes (Trophy's wording, our settings path). */
export async function checkAttributeKeys(
  db: Kysely<Schema>,
  environmentId: string,
  attributes: Record<string, string> | undefined,
  type: 'user' | 'event' = 'user',
): Promise<void> {
  const keys = Object.keys(attributes ?? {});
  if (keys.length === 0) return;
  const declared = await db
    .selectFrom('attributes')
    .select('key')
    .where('environment_id', '=', environmentId)
    .where('type', '=', type)
    .where('key', 'in', keys)
    .execute();
  requireDeclared(attributes, new Set(declared.map((row) => row.key)), type);
}

/** The same check against keys already known. */
export function requireDeclared(attributes: Record<string, string> | undefined, declared: ReadonlySet<string>, type: 'user' | 'event'): void {
  const unknown = Object.keys(attributes ?? {}).filter((key) => !declared.has(key));
  if (unknown.length > 0) throw errors.unknownAttributes(type, unknown);
}

/** Trophy: a sign-up date must not be later than today in the user's time zone (UTC without one). */
function checkSignUpDate(date: string | null | undefined, tz: string | null, now: number): void {
  if (!date) return;
  const today = localDate(now, tz);
  if (date > today) throw errors.business(`signUpDate: ${date} is later than the user's today (${today}${tz ? ` in ${tz}` : ' UTC'})`);
}

function subscribeWithoutEmail(): ApiError {
  return errors.business('subscribeToEmails: cannot be true for a user without an email address');
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    tz: row.tz,
    deviceTokens: row.device_tokens === null ? null : (JSON.parse(row.device_tokens) as string[]),
    subscribeToEmails: subscribedToEmails(row),
    attributes: JSON.parse(row.attributes) as Record<string, string>,
    control: row.control === 1,
    signUpDate: row.sign_up_date ?? null,
    created: new Date(row.created_at).toISOString(),
    updated: new Date(row.updated_at).toISOString(),
  };
}

/**
 * Whether emails can go to this user: Trophy sends them only with an address and the opt-in, and
 * refuses `subscribeToEmails: true` without an address, so a user without one never reads as
 * subscribed. The stored opt-in (true unless the user opted out) still applies once an address
 * arrives, so a user first seen without one is subscribed when their backend adds it.
 */
function subscribedToEmails(row: UserRow): boolean {
  // An empty string is no address either, as for the 400 above.
  return row.subscribe_to_emails === 1 && Boolean(row.email);
}

/** Webhook bodies also carry Trophy's example spelling `subscribedToEmails`. */
export function toWebhookUser(row: UserRow): WebhookUser {
  const user = toUser(row);
  return { ...user, subscribedToEmails: user.subscribeToEmails };
}
