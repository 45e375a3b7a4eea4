import type { Kysely, Transaction, UpdateObject } from 'kysely';
import { validate as isUuid } from 'uuid';
import type { MetricRow, MetricTable, Schema } from '../store/schema.js';
import { newId } from '../store/ids.js';
import type { AdminIssue } from '../admin-issue.js';

export type MetricUnitType = MetricTable['unit_type'];
export const metricUnitTypes = ['number', 'currency'] as const satisfies readonly MetricUnitType[];

/** A metric as Trophy's Admin API shows it (`CreatedMetric`); `status` stays internal. */
export interface Metric {
  id: string;
  name: string;
  key: string;
  unitType: MetricUnitType;
  units: string;
}

export interface MetricInput {
  name: string;
  key: string;
  unitType?: MetricUnitType | undefined;
  units?: string | undefined;
}

/** The key cannot change; fields left out are kept. */
export interface MetricChange {
  id: string;
  name?: string | undefined;
  unitType?: MetricUnitType | undefined;
  units?: string | undefined;
}

export type Issue = AdminIssue;

export const METRIC_KEY_TAKEN = 'Key already in use by another metric';

// ISO 4217 codes in use, as the runtime's ICU knows them (USD, EUR, JPY, ...).
const currencies = new Set(Intl.supportedValuesOf('currency'));

/** The stored form of a currency code (upper case), or undefined when it is not one. */
export function currencyCode(units: string): string | undefined {
  const code = units.toUpperCase();
  return currencies.has(code) ? code : undefined;
}

const currencyRequired = (units: string) =>
  units === ''
    ? 'units is required when unitType is currency: give a currency code such as USD'
    : `units "${units}" is not a supported currency code; give one such as USD, EUR or GBP`;

export function toMetric(row: MetricRow): Metric {
  return { id: row.id, name: row.name, key: row.key, unitType: row.unit_type, units: row.units };
}

/**
 * Creates the metrics whose key is free in the environment, in one transaction, as active metrics.
 * A taken key, a key sent twice (the later item loses) or a currency metric without a currency
 * code is an issue for that item only. The unique constraint decides, so two concurrent creates
 * of one key cannot both win.
 */
export async function createMetrics(
  db: Kysely<Schema>,
  environmentId: string,
  inputs: readonly MetricInput[],
  now: number,
): Promise<{ created: Metric[]; issues: Issue[] }> {
  return db.transaction().execute(async (trx) => {
    const created: Metric[] = [];
    const issues: Issue[] = [];
    const firstIndex = new Map<string, number>();
    for (const [index, input] of inputs.entries()) {
      const first = firstIndex.get(input.key);
      if (first !== undefined) {
        issues.push({ index, severity: 'error', message: `Key "${input.key}" is already used by item ${first} of this request` });
        continue;
      }
      firstIndex.set(input.key, index);
      const unitType = input.unitType ?? 'number';
      let units = input.units ?? '';
      if (unitType === 'currency') {
        const code = currencyCode(units);
        if (!code) {
          issues.push({ index, severity: 'error', message: currencyRequired(units) });
          continue;
        }
        units = code;
      }
      // Time-ordered ids: metrics created in one call list in the order they were sent.
      const row: MetricRow = {
        id: newId(),
        environment_id: environmentId,
        key: input.key,
        name: input.name,
        unit_type: unitType,
        units,
        status: 'active',
        created_at: now,
        updated_at: now,
      };
      const inserted = await trx
        .insertInto('metrics')
        .values(row)
        .onConflict((conflict) => conflict.columns(['environment_id', 'key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) created.push(toMetric(row));
      else issues.push({ index, severity: 'error', message: METRIC_KEY_TAKEN });
    }
    return { created, issues };
  });
}

/** Oldest first, as Trophy lists them; archived metrics included. */
export async function listMetrics(db: Kysely<Schema>, environmentId: string, limit: number, skip: number): Promise<Metric[]> {
  const rows = await db
    .selectFrom('metrics')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .offset(skip)
    .execute();
  return rows.map(toMetric);
}

/** The metric with this id in the environment; ids of other environments are as unknown as ids never made. */
export async function findMetric(db: Kysely<Schema>, environmentId: string, id: string): Promise<Metric | undefined> {
  const row = await db.selectFrom('metrics').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
  return row ? toMetric(row) : undefined;
}

/** The metric row (any status) with this key in the environment: how events name their metric. */
export async function findMetricByKey(db: Kysely<Schema>, environmentId: string, key: string): Promise<MetricRow | undefined> {
  return db.selectFrom('metrics').selectAll().where('environment_id', '=', environmentId).where('key', '=', key).executeTakeFirst();
}

/**
 * Applies changes by id, in one transaction. Fields left out are kept. Whether a currency metric
 * has a currency code can depend on the stored row (a change of `unitType` alone, or of `units`
 * alone), so the write only lands if the row still has the unit type and units it was checked
 * against; if another change got in between, the check runs again on the new row.
 * An unknown id, an id sent twice (the later item loses) or a missing currency code is an issue
 * for that item only.
 */
export async function updateMetrics(
  db: Kysely<Schema>,
  environmentId: string,
  changes: readonly MetricChange[],
  now: number,
): Promise<{ updated: Metric[]; issues: Issue[] }> {
  return db.transaction().execute(async (trx) => {
    const updated: Metric[] = [];
    const issues: Issue[] = [];
    const seen = new Set<string>();
    for (const change of changes) {
      if (seen.has(change.id)) {
        issues.push({ id: change.id, severity: 'error', message: 'ID appears more than once in this request; only its first change was applied' });
        continue;
      }
      seen.add(change.id);
      const outcome = await updateMetric(trx, environmentId, change, now);
      if ('metric' in outcome) updated.push(outcome.metric);
      else issues.push({ id: change.id, severity: 'error', message: outcome.problem });
    }
    return { updated, issues };
  });
}

const MAX_UPDATE_ATTEMPTS = 5;

async function updateMetric(
  trx: Transaction<Schema>,
  environmentId: string,
  change: MetricChange,
  now: number,
): Promise<{ metric: Metric } | { problem: string }> {
  for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
    const current = await trx.selectFrom('metrics').selectAll().where('environment_id', '=', environmentId).where('id', '=', change.id).executeTakeFirst();
    if (!current) return { problem: isUuid(change.id) ? 'Metric not found by ID' : 'id must be a valid UUID' };

    const unitType = change.unitType ?? current.unit_type;
    let units = change.units ?? current.units;
    if (unitType === 'currency') {
      const code = currencyCode(units);
      if (!code) return { problem: currencyRequired(units) };
      units = code;
    }
    const set: UpdateObject<Schema, 'metrics'> = { updated_at: now };
    if (change.name !== undefined) set.name = change.name;
    if (change.unitType !== undefined) set.unit_type = unitType;
    if (change.units !== undefined || units !== current.units) set.units = units;

    const row = await trx
      .updateTable('metrics')
      .set(set)
      .where('environment_id', '=', environmentId)
      .where('id', '=', change.id)
      .where('unit_type', '=', current.unit_type)
      .where('units', '=', current.units)
      .returningAll()
      .executeTakeFirst();
    if (row) return { metric: toMetric(row) };
  }
  return { problem: 'Metric was changed by another request at the same time; send the change again' };
}

/**
 * Deletes metrics by id. The database deletes what hangs off them: users' totals, daily sums and
 * events of the metric; achievements that counted it keep existing without a metric.
 */
export async function deleteMetrics(
  db: Kysely<Schema>,
  environmentId: string,
  ids: readonly string[],
): Promise<{ deleted: string[]; issues: Issue[] }> {
  const unique = [...new Set(ids)];
  return db.transaction().execute(async (trx) => {
    const rows = await trx.deleteFrom('metrics').where('environment_id', '=', environmentId).where('id', 'in', unique).returning('id').execute();
    const gone = new Set(rows.map((row) => row.id));
    return {
      deleted: unique.filter((id) => gone.has(id)),
      issues: unique
        .filter((id) => !gone.has(id))
        .map((id) => ({ id, severity: 'error' as const, message: isUuid(id) ? 'Metric not found by ID' : 'id must be a valid UUID' })),
    };
  });
}
