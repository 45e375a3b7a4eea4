import type { Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import type { EnvironmentKind, Schema } from '../store/schema.js';

/** A new instance starts with these; webhooks, users and the rest each belong to exactly one environment. */
export const DEFAULT_ENVIRONMENTS: readonly { name: string; kind: EnvironmentKind }[] = [
  { name: 'production', kind: 'production' },
  { name: 'development', kind: 'development' },
];

export interface Environment {
  id: string;
  name: string;
  kind: EnvironmentKind;
  created: string;
}

export const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Creates the defaults only when there are no environments at all, so a renamed `production` is
 * not created again at the next start. Two processes starting together may both see an empty
 * table; the unique name makes the second one's inserts do nothing.
 */
export async function ensureDefaultEnvironments(db: Kysely<Schema>, now: number): Promise<void> {
  const any = await db.selectFrom('environments').select('id').limit(1).executeTakeFirst();
  if (any) return;
  for (const { name, kind } of DEFAULT_ENVIRONMENTS) {
    await db
      .insertInto('environments')
      .values({ id: newId(), name, kind, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
}

/** Oldest first. */
export async function listEnvironments(db: Kysely<Schema>): Promise<Environment[]> {
  const rows = await db.selectFrom('environments').select(['id', 'name', 'kind', 'created_at']).orderBy('created_at').orderBy('id').execute();
  return rows.map(toEnvironment);
}

export async function findEnvironmentByName(db: Kysely<Schema>, name: string): Promise<Environment | undefined> {
  const row = await db.selectFrom('environments').select(['id', 'name', 'kind', 'created_at']).where('name', '=', name).executeTakeFirst();
  return row && toEnvironment(row);
}

/** By id, or else by name (an id wins if some environment is named like another's id). */
export async function findEnvironment(db: Kysely<Schema>, idOrName: string): Promise<Environment | undefined> {
  const rows = await db
    .selectFrom('environments')
    .select(['id', 'name', 'kind', 'created_at'])
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .execute();
  const row = rows.find((r) => r.id === idOrName) ?? rows[0];
  return row && toEnvironment(row);
}

/** The oldest environment of this kind (where LAUREL_BOOTSTRAP_API_KEY goes), if any. */
export async function oldestEnvironmentOfKind(db: Kysely<Schema>, kind: EnvironmentKind): Promise<Environment | undefined> {
  const row = await db
    .selectFrom('environments')
    .select(['id', 'name', 'kind', 'created_at'])
    .where('kind', '=', kind)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row && toEnvironment(row);
}

/** Returns undefined when the name is taken. */
export async function createEnvironment(
  db: Kysely<Schema>,
  name: string,
  now: number,
  kind: EnvironmentKind = 'development',
): Promise<Environment | undefined> {
  const id = newId();
  const inserted = await db
    .insertInto('environments')
    .values({ id, name, kind, created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return undefined;
  return { id, name, kind, created: new Date(now).toISOString() };
}

export type RenameResult = { renamed: Environment } | { notFound: true } | { nameTaken: true };

/** The name is only a label: keys, webhooks and data stay with the environment's id. */
export async function renameEnvironment(db: Kysely<Schema>, id: string, name: string): Promise<RenameResult> {
  const taken = await db.selectFrom('environments').select('id').where('name', '=', name).executeTakeFirst();
  if (taken && taken.id !== id) return { nameTaken: true };
  try {
    const row = await db
      .updateTable('environments')
      .set({ name })
      .where('id', '=', id)
      .returning(['id', 'name', 'kind', 'created_at'])
      .executeTakeFirst();
    return row ? { renamed: toEnvironment(row) } : { notFound: true };
  } catch (error) {
    // Another request took the name between the check and the update.
    if (isUniqueViolation(error)) return { nameTaken: true };
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function toEnvironment(row: { id: string; name: string; kind: EnvironmentKind; created_at: number }): Environment {
  return { id: row.id, name: row.name, kind: row.kind, created: new Date(row.created_at).toISOString() };
}
