import type { Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import type { Schema } from '../store/schema.js';

/** Every instance starts with these; webhooks, users and the rest each belong to exactly one. */
export const DEFAULT_ENVIRONMENTS = ['production', 'development'] as const;

export interface Environment {
  id: string;
  name: string;
  created: string;
}

export const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export async function ensureDefaultEnvironments(db: Kysely<Schema>, now: number): Promise<void> {
  for (const name of DEFAULT_ENVIRONMENTS) {
    await db
      .insertInto('environments')
      .values({ id: newId(), name, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
}

export async function listEnvironments(db: Kysely<Schema>): Promise<Environment[]> {
  const rows = await db.selectFrom('environments').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toEnvironment);
}

export async function findEnvironmentByName(db: Kysely<Schema>, name: string): Promise<Environment | undefined> {
  const row = await db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toEnvironment(row);
}

/** Returns undefined when the name is taken. */
export async function createEnvironment(db: Kysely<Schema>, name: string, now: number): Promise<Environment | undefined> {
  const id = newId();
  const inserted = await db
    .insertInto('environments')
    .values({ id, name, created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return undefined;
  return { id, name, created: new Date(now).toISOString() };
}

function toEnvironment(row: { id: string; name: string; created_at: number }): Environment {
  return { id: row.id, name: row.name, created: new Date(row.created_at).toISOString() };
}
