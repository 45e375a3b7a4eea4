import type { Kysely } from 'kysely';
import { createsCycle, type KeyValue } from '../engine/achievements/qualify.js';
import type { AchievementResponse } from '../events/payloads.js';
import { newId } from '../store/ids.js';
import type { AchievementRow, AchievementStatus, AchievementTriggerKind, MetricRow, Schema } from '../store/schema.js';
import { toAchievementResponse } from './achievement-view.js';
import { startAnniversaryWalk } from './anniversary.js';
import { startBackdating } from './backdate.js';
import type { AdminIssue } from '../admin-issue.js';


/** An attribute filter as the Admin API shows it: Trophy's `{attributeId, attributeValue}` with Laurel's `{key, value}`. */
export interface AdminAttributeFilter extends KeyValue {
  /** null when the attribute has been deleted since. */
  attributeId: string | null;
  attributeValue: string;
}

/**
 * An achievement as the Admin API shows it: Trophy's AdminAchievement (spec 1.24.0: `badge`,
 * filters by attribute id) with Laurel's extensions: `key` on every trigger, `badgeUrl`,
 * `metricName`, the filters' `key`/`value` and the times.
 */
export interface AdminAchievement extends Omit<AchievementResponse, 'userAttributes' | 'eventAttributes'> {
  status: AchievementStatus;
  badge: { url: string } | null;
  userAttributes: AdminAttributeFilter[];
  eventAttributes?: AdminAttributeFilter[];
  created: string;
  updated: string;
}

/** A filter as a create or update gives it: by attribute key (Laurel) or by attribute id (Trophy). */
export type AttributeFilterInput = { key: string; value: string } | { attributeId: string; value: string };

/** Attribute ids and keys of one type, both ways. */
interface AttributeNames {
  keyById: Map<string, string>;
  idByKey: Map<string, string>;
}

/** Fields a create or an update may carry (already checked for type and format by the HTTP layer). */
export interface AchievementFields {
  name?: string;
  description?: string | null;
  badgeUrl?: string | null;
  /** Trophy's spelling of badgeUrl: `{url}`, or null for none. */
  badge?: { url: string } | null;
  status?: AchievementStatus;
  metricKey?: string;
  metricId?: string;
  metricValue?: number;
  streakLength?: number;
  anniversaryYears?: number;
  achievementIds?: string[];
  userAttributes?: AttributeFilterInput[] | null;
  eventAttributes?: AttributeFilterInput[] | null;
}

export interface CreateAchievementInput extends AchievementFields {
  name: string;
  /** Required for `api` achievements (Trophy); made from the name for the others when left out. */
  key?: string;
  trigger: AchievementTriggerKind;
}

export interface UpdateAchievementInput extends AchievementFields {
  id: string;
  key?: string;
  trigger?: AchievementTriggerKind;
}

/** One item of a bulk body: its value, or why it could not be read (and the id it names, if any). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[]; id?: string };

export type Issue = AdminIssue;

// Which trigger each trigger-specific field belongs to.
const triggerFields: Record<string, AchievementTriggerKind> = {
  metricKey: 'metric',
  metricId: 'metric',
  metricValue: 'metric',
  eventAttributes: 'metric',
  streakLength: 'streak',
  anniversaryYears: 'anniversary',
  achievementIds: 'achievement',
};

const allowedMoves: Record<AchievementStatus, readonly AchievementStatus[]> = {
  inactive: ['active'],
  active: ['locked'],
  locked: ['active'],
};

export async function listAchievements(db: Kysely<Schema>, environmentId: string, limit: number, skip: number): Promise<AdminAchievement[]> {
  const rows = await db
    .selectFrom('achievements')
    .leftJoin('metrics', 'metrics.id', 'achievements.metric_id')
    .selectAll('achievements')
    .select('metrics.name as metric_name')
    .where('achievements.environment_id', '=', environmentId)
    .orderBy('achievements.created_at')
    .orderBy('achievements.id')
    .limit(limit)
    .offset(skip)
    .execute();
  const names = await attributeNames(db, environmentId);
  return rows.map(({ metric_name, ...row }) => toAdminAchievement(row, metric_name ?? undefined, names));
}

/** The environment's attributes by id and by `type:key`. */
async function attributeNames(db: Kysely<Schema>, environmentId: string): Promise<AttributeNames> {
  const rows = await db.selectFrom('attributes').select(['id', 'key', 'type']).where('environment_id', '=', environmentId).execute();
  return {
    keyById: new Map(rows.map((row) => [row.id, `${row.type}:${row.key}`])),
    idByKey: new Map(rows.map((row) => [`${row.type}:${row.key}`, row.id])),
  };
}

export async function getAchievement(db: Kysely<Schema>, environmentId: string, id: string): Promise<AdminAchievement | undefined> {
  const row = await db
    .selectFrom('achievements')
    .leftJoin('metrics', 'metrics.id', 'achievements.metric_id')
    .selectAll('achievements')
    .select('metrics.name as metric_name')
    .where('achievements.environment_id', '=', environmentId)
    .where('achievements.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { metric_name, ...achievement } = row;
  return toAdminAchievement(achievement, metric_name ?? undefined, await attributeNames(db, environmentId));
}

export function toAdminAchievement(row: AchievementRow, metricName: string | undefined, names: AttributeNames): AdminAchievement {
  const { userAttributes, eventAttributes, ...response } = toAchievementResponse(row, metricName);
  const filters = (list: readonly KeyValue[], type: 'user' | 'event'): AdminAttributeFilter[] =>
    list.map(({ key, value }) => ({ attributeId: names.idByKey.get(`${type}:${key}`) ?? null, attributeValue: value, key, value }));
  return {
    ...response,
    badge: row.badge_url === null ? null : { url: row.badge_url },
    status: row.status,
    userAttributes: filters(userAttributes, 'user'),
    ...(eventAttributes ? { eventAttributes: filters(eventAttributes, 'event') } : {}),
    created: new Date(row.created_at).toISOString(),
    updated: new Date(row.updated_at).toISOString(),
  };
}

/**
 * A key for an achievement created without one (Trophy asks for keys on `api` achievements only):
 * the name in lower case with runs of other characters as `-`, made unique with `-2`, `-3`, ...
 */
export function keyFromName(name: string, taken: ReadonlySet<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 200) || 'achievement';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * Creates achievements; an item with a problem is reported as an issue (by its index) and the
 * others are still created. Everything is written in one transaction, including, when one is
 * created active, the job that backdates it: that walk counts the progress of filtered metric
 * achievements from the users' events and grants the completions, shortly after the response.
 */
export async function createAchievements(
  db: Kysely<Schema>,
  environmentId: string,
  items: readonly Parsed<CreateAchievementInput>[],
  now: number,
): Promise<{ created: AdminAchievement[]; issues: Issue[] }> {
  return db.transaction().execute(async (trx) => {
    const context = await loadContext(trx, environmentId, items);
    const created: AchievementRow[] = [];
    const issues: Issue[] = [];
    let live = false;
    let anniversaries = false;
    for (const [index, item] of items.entries()) {
      const problems = item.ok ? [] : [...item.problems];
      const row = item.ok ? buildRow(context, undefined, item.value, problems, now) : undefined;
      if (row && problems.length === 0 && (await insertAchievement(trx, row))) {
        context.achievements.set(row.id, row);
        context.keys.add(row.key);
        created.push(row);
        live ||= row.status === 'active';
        anniversaries ||= row.status === 'active' && row.trigger === 'anniversary';
      } else {
        if (problems.length === 0) problems.push('Key already in use by another achievement');
        for (const message of problems) issues.push({ index, severity: 'error', message });
      }
    }
    if (live) await startBackdating(trx, environmentId, now);
    if (anniversaries) await startAnniversaryWalk(trx, environmentId, now);
    return { created: created.map((row) => view(context, row)), issues };
  });
}

/**
 * Applies changes by id (fields left out are kept); an item with a problem is reported as an issue
 * and changes nothing. Activating an achievement, or changing the rule of a live (active or locked)
 * one, starts the backdating walk in the same transaction.
 */
export async function updateAchievements(
  db: Kysely<Schema>,
  environmentId: string,
  items: readonly Parsed<UpdateAchievementInput>[],
  now: number,
): Promise<{ updated: AdminAchievement[]; issues: Issue[] }> {
  return db.transaction().execute(async (trx) => {
    const context = await loadContext(trx, environmentId, items);
    const updated: AchievementRow[] = [];
    const issues: Issue[] = [];
    let live = false;
    let anniversaries = false;
    for (const [index, item] of items.entries()) {
      if (!item.ok) {
        // Issues of an update name the achievement; an item without a readable id is named by its index.
        const about = item.id !== undefined ? { id: item.id } : { index };
        for (const message of item.problems) issues.push({ ...about, severity: 'error', message });
        continue;
      }
      const id = item.value.id;
      const existing = context.achievements.get(id);
      if (!existing) {
        issues.push({ id, severity: 'error', message: 'Achievement not found by ID' });
        continue;
      }
      const problems: string[] = [];
      const row = buildRow(context, existing, item.value, problems, now);
      if (problems.length > 0) {
        for (const message of problems) issues.push({ id, severity: 'error', message });
        continue;
      }
      const { id: _id, environment_id: _environment, created_at: _created, ...changes } = row;
      await trx.updateTable('achievements').set(changes).where('environment_id', '=', environmentId).where('id', '=', id).execute();
      context.achievements.set(row.id, row);

      const ruleChanged =
        row.metric_id !== existing.metric_id ||
        row.metric_value !== existing.metric_value ||
        row.streak_length !== existing.streak_length ||
        row.anniversary_years !== existing.anniversary_years ||
        row.prerequisite_ids !== existing.prerequisite_ids ||
        row.user_attributes !== existing.user_attributes ||
        row.event_attributes !== existing.event_attributes;
      const activated = row.status === 'active' && existing.status !== 'active';
      // Progress is kept by the event path for live achievements; one whose metric or filters changed,
      // or coming (back) to life, is counted again from its events by the backdating walk, a chunk
      // of users at a time (backdate.ts), never in the request.
      live ||= activated || (ruleChanged && row.status !== 'inactive');
      // Users' anniversary jobs follow an anniversary achievement going live, or its years changing while live.
      anniversaries ||= row.trigger === 'anniversary' && (activated || (row.anniversary_years !== existing.anniversary_years && row.status !== 'inactive'));
      // The same id may be changed twice in one request; show its final state once.
      const previous = updated.findIndex((r) => r.id === row.id);
      if (previous >= 0) updated.splice(previous, 1);
      updated.push(row);
    }
    if (live) await startBackdating(trx, environmentId, now);
    if (anniversaries) await startAnniversaryWalk(trx, environmentId, now);
    return { updated: updated.map((row) => view(context, row)), issues };
  });
}

/**
 * Deletes achievements with their completions and progress. One that a remaining composite
 * achievement requires is kept and reported: remove it from the composite first (or delete both).
 */
export async function deleteAchievements(
  db: Kysely<Schema>,
  environmentId: string,
  ids: readonly string[],
): Promise<{ deleted: string[]; issues: Issue[] }> {
  return db.transaction().execute(async (trx) => {
    await lockEnvironment(trx, environmentId);
    const rows = await trx.selectFrom('achievements').selectAll().where('environment_id', '=', environmentId).execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    const requested = [...new Set(ids)];
    const deletable = new Set(requested.filter((id) => byId.has(id)));
    const requiredBy = (id: string) => rows.filter((r) => !deletable.has(r.id) && prerequisitesOf(r).includes(id));
    // Keeping one achievement can keep its prerequisites too, so settle until nothing changes.
    for (let changed = true; changed; ) {
      changed = false;
      for (const id of deletable) {
        if (requiredBy(id).length > 0) {
          deletable.delete(id);
          changed = true;
        }
      }
    }
    const issues: Issue[] = [];
    for (const id of requested) {
      if (!byId.has(id)) issues.push({ id, severity: 'error', message: 'Achievement not found by ID' });
      else if (!deletable.has(id)) {
        const keys = requiredBy(id).map((r) => r.key);
        issues.push({ id, severity: 'error', message: `Achievement is required by composite achievement${keys.length > 1 ? 's' : ''} ${keys.join(', ')}; remove it from them first` });
      }
    }
    const deleted = requested.filter((id) => deletable.has(id));
    if (deleted.length > 0) {
      // Explicit, not left to ON DELETE CASCADE, so it holds whatever a connection's foreign-key setting.
      await trx.deleteFrom('achievement_progress').where('environment_id', '=', environmentId).where('achievement_id', 'in', deleted).execute();
      await trx.deleteFrom('user_achievements').where('environment_id', '=', environmentId).where('achievement_id', 'in', deleted).execute();
      await trx.deleteFrom('achievements').where('environment_id', '=', environmentId).where('id', 'in', deleted).execute();
    }
    return { deleted, issues };
  });
}

// ---- Validation against the environment's state.

interface Context {
  environmentId: string;
  /** Every achievement of the environment, kept current as the request writes. */
  achievements: Map<string, AchievementRow>;
  keys: Set<string>;
  metricsById: Map<string, MetricRow>;
  metricsByKey: Map<string, MetricRow>;
  userAttributes: Set<string>;
  eventAttributes: Set<string>;
  names: AttributeNames;
}

/**
 * What validation needs, read once per request inside its transaction. Writes of achievements are
 * serialised per environment first, so two requests can't each pass the cycle check and together
 * make a cycle, or each take the same key.
 */
async function loadContext(trx: Kysely<Schema>, environmentId: string, items: readonly Parsed<AchievementFields & { id?: string }>[]): Promise<Context> {
  await lockEnvironment(trx, environmentId);
  const achievements = await trx.selectFrom('achievements').selectAll().where('environment_id', '=', environmentId).execute();
  const metricKeys = new Set<string>();
  const metricIds = new Set<string>(achievements.flatMap((row) => (row.metric_id === null ? [] : [row.metric_id])));
  for (const item of items) {
    if (!item.ok) continue;
    if (item.value.metricKey !== undefined) metricKeys.add(item.value.metricKey);
    if (item.value.metricId !== undefined) metricIds.add(item.value.metricId);
  }
  const metrics =
    metricKeys.size + metricIds.size === 0
      ? []
      : await trx
          .selectFrom('metrics')
          .selectAll()
          .where('environment_id', '=', environmentId)
          .where((eb) => eb.or([...(metricKeys.size > 0 ? [eb('key', 'in', [...metricKeys])] : []), ...(metricIds.size > 0 ? [eb('id', 'in', [...metricIds])] : [])]))
          .execute();
  const attributes = await trx.selectFrom('attributes').select(['id', 'key', 'type']).where('environment_id', '=', environmentId).execute();
  return {
    environmentId,
    achievements: new Map(achievements.map((row) => [row.id, row])),
    keys: new Set(achievements.map((row) => row.key)),
    metricsById: new Map(metrics.map((m) => [m.id, m])),
    metricsByKey: new Map(metrics.map((m) => [m.key, m])),
    userAttributes: new Set(attributes.filter((a) => a.type === 'user').map((a) => a.key)),
    eventAttributes: new Set(attributes.filter((a) => a.type === 'event').map((a) => a.key)),
    names: {
      keyById: new Map(attributes.map((a) => [a.id, `${a.type}:${a.key}`])),
      idByKey: new Map(attributes.map((a) => [`${a.type}:${a.key}`, a.id])),
    },
  };
}

/**
 * The achievement row that results from applying `input` to `existing` (or a new one), with every
 * problem found pushed to `problems`; the row is only meaningful when none were.
 */
function buildRow(
  context: Context,
  existing: AchievementRow | undefined,
  input: AchievementFields & { key?: string; trigger?: AchievementTriggerKind; id?: string },
  problems: string[],
  now: number,
): AchievementRow {
  const trigger = existing?.trigger ?? input.trigger!;
  if (!existing && input.key === undefined && trigger === 'api') problems.push('key is required for an api achievement');
  const key = existing?.key ?? input.key ?? keyFromName(input.name ?? '', context.keys);
  if (existing) {
    if (input.key !== undefined && input.key !== existing.key) problems.push(`key cannot be changed (it is ${existing.key})`);
    if (input.trigger !== undefined && input.trigger !== existing.trigger) problems.push(`trigger cannot be changed (it is ${existing.trigger})`);
  } else if (context.keys.has(key)) {
    problems.push('Key already in use by another achievement');
  }

  for (const [field, owner] of Object.entries(triggerFields)) {
    if ((input as Record<string, unknown>)[field] !== undefined && owner !== trigger) {
      problems.push(`${field} applies only to ${owner} achievements, not ${trigger} ones`);
    }
  }

  const from = existing?.status;
  const status = input.status ?? from ?? 'inactive';
  if (from === undefined && status === 'locked') {
    problems.push('status: a new achievement is inactive or active; lock it once it is active');
  } else if (from !== undefined && status !== from && !allowedMoves[from].includes(status)) {
    problems.push(`status cannot change from ${from} to ${status}: the allowed moves are inactive → active and active ↔ locked`);
  }

  let metricId = existing?.metric_id ?? null;
  let metricValue = existing?.metric_value ?? null;
  let streakLength = existing?.streak_length ?? null;
  let anniversaryYears = existing?.anniversary_years ?? null;
  let prerequisites = existing ? prerequisitesOf(existing) : [];
  let eventAttributes = existing ? (JSON.parse(existing.event_attributes) as KeyValue[]) : [];
  let userAttributes = existing ? (JSON.parse(existing.user_attributes) as KeyValue[]) : [];

  if (trigger === 'metric') {
    const byKey = input.metricKey === undefined ? undefined : context.metricsByKey.get(input.metricKey);
    const byId = input.metricId === undefined ? undefined : context.metricsById.get(input.metricId);
    if (input.metricKey !== undefined && !byKey) problems.push(`Metric not found by key: ${input.metricKey}`);
    if (input.metricId !== undefined && !byId) problems.push(`Metric not found by ID: ${input.metricId}`);
    if (byKey && byId && byKey.id !== byId.id) problems.push('metricKey and metricId name different metrics; give one of them');
    const metric = byKey ?? byId;
    if (metric) metricId = metric.id;
    else if (!existing && input.metricKey === undefined && input.metricId === undefined) problems.push('metricKey or metricId is required for a metric achievement');
    if (input.metricValue !== undefined) metricValue = input.metricValue;
    else if (!existing) problems.push('metricValue is required for a metric achievement');
    if (input.eventAttributes !== undefined) {
      eventAttributes = resolveFilters('eventAttributes', input.eventAttributes, 'event', context, problems);
      checkFilters('eventAttributes', eventAttributes, context.eventAttributes, 'event', problems);
    }
  }

  if (trigger === 'streak') {
    if (input.streakLength !== undefined) streakLength = input.streakLength;
    else if (!existing) problems.push('streakLength is required for a streak achievement');
  }

  if (trigger === 'anniversary') {
    if (input.anniversaryYears !== undefined) anniversaryYears = input.anniversaryYears;
    else if (!existing) problems.push('anniversaryYears is required for an anniversary achievement');
  }

  if (trigger === 'achievement') {
    if (input.achievementIds !== undefined) {
      prerequisites = [...new Set(input.achievementIds)];
      const missing = prerequisites.filter((id) => !context.achievements.has(id) && id !== existing?.id);
      if (missing.length > 0) problems.push(`achievementIds: Achievement not found by ID: ${missing.join(', ')}`);
      if (existing && prerequisites.includes(existing.id)) {
        problems.push('achievementIds: an achievement cannot require itself');
      } else if (existing && createsCycle(existing.id, prerequisites, (id) => prerequisitesOf(context.achievements.get(id)))) {
        problems.push('achievementIds: this would make a cycle, as one of these achievements already requires this one (directly or through others)');
      }
    } else if (!existing) {
      problems.push('achievementIds is required for a composite (achievement) achievement');
    }
  }

  if (input.userAttributes !== undefined) {
    userAttributes = resolveFilters('userAttributes', input.userAttributes, 'user', context, problems);
    checkFilters('userAttributes', userAttributes, context.userAttributes, 'user', problems);
  }

  return {
    id: existing?.id ?? newId(),
    environment_id: context.environmentId,
    key,
    name: input.name ?? existing?.name ?? '',
    description: input.description !== undefined ? input.description : (existing?.description ?? null),
    badge_url: input.badgeUrl !== undefined ? input.badgeUrl : input.badge !== undefined ? (input.badge?.url ?? null) : (existing?.badge_url ?? null),
    trigger,
    status,
    metric_id: metricId,
    metric_value: metricValue,
    streak_length: streakLength,
    anniversary_years: anniversaryYears,
    prerequisite_ids: JSON.stringify(prerequisites),
    user_attributes: JSON.stringify(userAttributes.map(({ key, value }) => ({ key, value }))),
    event_attributes: JSON.stringify(eventAttributes.map(({ key, value }) => ({ key, value }))),
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
}

/** Filters by key as stored: Trophy's attribute ids turned into keys (null clears the list). */
function resolveFilters(field: string, filters: readonly AttributeFilterInput[] | null, type: 'user' | 'event', context: Context, problems: string[]): KeyValue[] {
  if (filters === null) return [];
  return filters.flatMap((filter, index) => {
    if ('key' in filter) return [{ key: filter.key, value: filter.value }];
    const named = context.names.keyById.get(filter.attributeId);
    if (!named || !named.startsWith(`${type}:`)) {
      problems.push(`${field}[${index}].attributeId: ${filter.attributeId} is not a ${type} attribute of this environment`);
      return [];
    }
    return [{ key: named.slice(type.length + 1), value: filter.value }];
  });
}

function checkFilters(field: string, filters: readonly KeyValue[], declared: ReadonlySet<string>, type: 'user' | 'event', problems: string[]): void {
  const unknown = [...new Set(filters.map((f) => f.key).filter((key) => !declared.has(key)))];
  if (unknown.length > 0) {
    problems.push(`${field}: Invalid ${type} attribute keys: ${unknown.join(', ')}. Declare them as ${type} attributes first.`);
  }
  const seen = new Set<string>();
  const repeated = new Set(filters.map((f) => f.key).filter((key) => seen.has(key) || !seen.add(key)));
  if (repeated.size > 0) problems.push(`${field}: each key may appear once (repeated: ${[...repeated].join(', ')})`);
}

function prerequisitesOf(row: AchievementRow | undefined): string[] {
  return row ? (JSON.parse(row.prerequisite_ids) as string[]) : [];
}

/** Inserts unless the key is taken (also by a concurrent request); false when it was. */
async function insertAchievement(trx: Kysely<Schema>, row: AchievementRow): Promise<boolean> {
  const inserted = await trx
    .insertInto('achievements')
    .values(row)
    .onConflict((oc) => oc.columns(['environment_id', 'key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Serialises achievement writes per environment: a no-op update takes the environment row's lock
 * on PostgreSQL (FOR NO KEY UPDATE, which does not block the inserts of other tables that
 * reference it) and starts the write at once on SQLite, where writers are serialised anyway.
 */
async function lockEnvironment(trx: Kysely<Schema>, environmentId: string): Promise<void> {
  await trx.updateTable('environments').set((eb) => ({ name: eb.ref('name') })).where('id', '=', environmentId).execute();
}

function view(context: Context, row: AchievementRow): AdminAchievement {
  return toAdminAchievement(row, row.metric_id === null ? undefined : context.metricsById.get(row.metric_id)?.name, context.names);
}
