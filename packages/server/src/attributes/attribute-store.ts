import type { Kysely, Selectable } from 'kysely';
import { validate as isUuid } from 'uuid';
import type { AttributeTable, AttributeType, Schema } from '../store/schema.js';
import { newId } from '../store/ids.js';
import type { AdminIssue } from '../admin-issue.js';
import { errors } from '../errors.js';
import { lockEnvironment } from '../leaderboards/lock-environment.js';

export type AttributeRow = Selectable<AttributeTable>;

/** An attribute as Trophy's Admin API shows it (`AdminAttribute`). */
export interface Attribute {
  id: string;
  name: string;
  key: string;
  type: AttributeType;
}

export interface AttributeInput {
  name: string;
  key: string;
  type: AttributeType;
}

/** Only the name can change: key and type are fixed when an attribute is created. */
export interface AttributeChange {
  id: string;
  name?: string | undefined;
}

export type Issue = AdminIssue;

export const ATTRIBUTE_KEY_TAKEN = 'Key already in use by another attribute of this type';

export function toAttribute(row: AttributeRow): Attribute {
  return { id: row.id, name: row.name, key: row.key, type: row.type };
}

/**
 * Creates the attributes whose key is free within (environment, type), in one transaction. A key
 * already taken, or sent twice in the request (the later item loses), is an issue for that item
 * only. The unique constraint decides, so two concurrent creates of one key cannot both win.
 */
export async function createAttributes(
  db: Kysely<Schema>,
  environmentId: string,
  inputs: readonly AttributeInput[],
  now: number,
): Promise<{ created: Attribute[]; issues: Issue[] }> {
  return db.transaction().execute(async (trx) => {
    const created: Attribute[] = [];
    const issues: Issue[] = [];
    const firstIndex = new Map<string, number>();
    for (const [index, input] of inputs.entries()) {
      const slot = `${input.type}:${input.key}`;
      const first = firstIndex.get(slot);
      if (first !== undefined) {
        issues.push({ index, severity: 'error', message: `Key "${input.key}" is already used by item ${first} of this request` });
        continue;
      }
      firstIndex.set(slot, index);
      // Time-ordered ids: attributes created in one call list in the order they were sent.
      const row: AttributeRow = {
        id: newId(),
        environment_id: environmentId,
        key: input.key,
        name: input.name,
        type: input.type,
        created_at: now,
        updated_at: now,
      };
      const inserted = await trx
        .insertInto('attributes')
        .values(row)
        .onConflict((conflict) => conflict.columns(['environment_id', 'type', 'key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) created.push(toAttribute(row));
      else issues.push({ index, severity: 'error', message: ATTRIBUTE_KEY_TAKEN });
    }
    return { created, issues };
  });
}

/** Oldest first, as Trophy lists them. */
export async function listAttributes(db: Kysely<Schema>, environmentId: string, limit: number, skip: number): Promise<Attribute[]> {
  const rows = await db
    .selectFrom('attributes')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(skip)
    .execute();
  return rows.map(toAttribute);
}

/** The attribute with this id in the environment; ids of other environments are as unknown as ids never made. */
export async function findAttribute(db: Kysely<Schema>, environmentId: string, id: string): Promise<Attribute | undefined> {
  const row = await db.selectFrom('attributes').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
  return row ? toAttribute(row) : undefined;
}

/**
 * Renames attributes by id, in one transaction. An unknown id (or one of another environment) and
 * an id sent twice (the later item loses) are issues for that item only. An item with nothing but
 * its id changes nothing and answers the attribute as it is.
 */
export async function updateAttributes(
  db: Kysely<Schema>,
  environmentId: string,
  changes: readonly AttributeChange[],
  now: number,
): Promise<{ updated: Attribute[]; issues: Issue[] }> {
  return db.transaction().execute(async (trx) => {
    const updated: Attribute[] = [];
    const issues: Issue[] = [];
    const seen = new Set<string>();
    for (const change of changes) {
      if (seen.has(change.id)) {
        issues.push({ id: change.id, severity: 'error', message: 'ID appears more than once in this request; only its first change was applied' });
        continue;
      }
      seen.add(change.id);
      const row =
        change.name === undefined
          ? await trx.selectFrom('attributes').selectAll().where('environment_id', '=', environmentId).where('id', '=', change.id).executeTakeFirst()
          : await trx
              .updateTable('attributes')
              .set({ name: change.name, updated_at: now })
              .where('environment_id', '=', environmentId)
              .where('id', '=', change.id)
              .returningAll()
              .executeTakeFirst();
      if (row) updated.push(toAttribute(row));
      else issues.push(missingIssue(change.id));
    }
    return { updated, issues };
  });
}

/**
 * Deletes attributes by id; values already stored on users and events are left as they are. A user
 * attribute that a leaderboard breaks its rankings down by cannot go (its groups would name nothing):
 * the request is refused whole with rule_broken, naming the boards, and nothing is deleted.
 */
export async function deleteAttributes(
  db: Kysely<Schema>,
  environmentId: string,
  ids: readonly string[],
): Promise<{ deleted: string[]; issues: Issue[] }> {
  const unique = [...new Set(ids)];
  return db.transaction().execute(async (trx) => {
    // Leaderboard writes take the same lock, so a board cannot start using one of these meanwhile.
    await lockEnvironment(trx, environmentId);
    await refuseBreakdownAttributes(trx, environmentId, unique);
    const rows = await trx.deleteFrom('attributes').where('environment_id', '=', environmentId).where('id', 'in', unique).returning('id').execute();
    const gone = new Set(rows.map((row) => row.id));
    return {
      deleted: unique.filter((id) => gone.has(id)),
      issues: unique.filter((id) => !gone.has(id)).map(missingIssue),
    };
  });
}

/** rule_broken when a leaderboard breaks down by one of these attributes: each such attribute with the keys of its boards. */
async function refuseBreakdownAttributes(trx: Kysely<Schema>, environmentId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const boards = await trx.selectFrom('leaderboards').select(['key', 'breakdown_attribute_ids']).where('environment_id', '=', environmentId).orderBy('key').execute();
  const usedBy = new Map<string, string[]>();
  for (const board of boards) {
    for (const id of JSON.parse(board.breakdown_attribute_ids) as string[]) {
      if (ids.includes(id)) usedBy.set(id, [...(usedBy.get(id) ?? []), board.key]);
    }
  }
  if (usedBy.size === 0) return;
  const keys = await trx.selectFrom('attributes').select(['id', 'key']).where('environment_id', '=', environmentId).where('id', 'in', [...usedBy.keys()]).execute();
  const keyOf = new Map(keys.map((row) => [row.id, row.key]));
  const uses = ids.flatMap((id) => {
    const boardKeys = usedBy.get(id);
    if (!boardKeys) return [];
    const named = keyOf.has(id) ? `user attribute ${keyOf.get(id)} (${id})` : `attribute ${id}`;
    return [`${named} is a breakdown attribute of leaderboard${boardKeys.length > 1 ? 's' : ''} ${boardKeys.join(', ')}`];
  });
  throw errors.business(
    `${uses.join('; ')}. Remove it from their breakdownAttributes (PATCH /admin/v1/leaderboards) or delete the leaderboards first; nothing was deleted.`,
  );
}

/** Trophy's ids are UUIDs: an id that is not one is reported as such, any other unknown id as not found. */
function missingIssue(id: string): Issue {
  return { id, severity: 'error', message: isUuid(id) ? 'Attribute not found by ID' : 'id must be a valid UUID' };
}
