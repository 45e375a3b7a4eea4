import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Schema } from './schema.js';

/**
 * A hot-path query built and compiled once per database, then run with new parameters. Kysely
 * otherwise builds and compiles a query tree on every call, which was a third of the cost of a
 * metric event's statements. `build` receives placeholders for the parameters and must use each
 * one exactly as a bound value (not in raw SQL).
 */
export function prepared<P extends unknown[], R>(build: (db: Kysely<Schema>, ...params: P) => Compilable<R>) {
  // The SQL depends only on the dialect, so it is kept per dialect adapter (a transaction is a new Kysely instance).
  const compiled = new Map<unknown, { query: CompiledQuery<R>; slots: (number | undefined)[] }>();
  return (db: Kysely<Schema>, ...params: P): Promise<R[]> => {
    const dialect = db.getExecutor().adapter.constructor;
    let entry = compiled.get(dialect);
    if (!entry) {
      const placeholders = params.map((_, i) => `\u0000laurel-parameter-${i}\u0000`) as P;
      const query = build(db, ...placeholders).compile();
      const slots = query.parameters.map((value) => {
        const index = placeholders.indexOf(value);
        return index === -1 ? undefined : index;
      });
      entry = { query, slots };
      compiled.set(dialect, entry);
    }
    const { query, slots } = entry;
    const parameters = query.parameters.map((value, i) => (slots[i] === undefined ? value : params[slots[i]!]));
    return db.executeQuery<R>(CompiledQuery.raw(query.sql, parameters) as CompiledQuery<R>).then((result) => result.rows);
  };
}

/** Past this many rows a statement is built each time (preparedRows), so the shapes kept stay few. */
const MAX_PREPARED_ROWS = 8;

/**
 * The same for a multi-row insert (or any statement over a list of rows with the same columns):
 * compiled once per dialect and row count, then run with the rows' values. `build` receives rows of
 * placeholders with the given rows' keys and must use each value exactly as a bound value. A
 * metric event's multi-row writes (throttles, points, history) were built and compiled by Kysely
 * on every event: 8 % of bench:events --config full's CPU.
 */
export function preparedRows<T extends object, R>(build: (db: Kysely<Schema>, rows: T[]) => Compilable<R>) {
  const compiled = new Map<string, { query: CompiledQuery<R>; slots: ([number, string] | undefined)[] }>();
  const dialects = new Map<unknown, string>();
  return (db: Kysely<Schema>, rows: readonly T[]): Promise<R[]> => {
    // Long lists are rare (the members one change passes on a board).
    if (rows.length > MAX_PREPARED_ROWS) return db.executeQuery<R>(build(db, [...rows]).compile()).then((result) => result.rows);
    const dialect = db.getExecutor().adapter.constructor;
    let dialectId = dialects.get(dialect);
    if (dialectId === undefined) dialects.set(dialect, (dialectId = String(dialects.size)));
    const keys = Object.keys(rows[0]!);
    const shape = `${dialectId}:${rows.length}:${keys.join(',')}`;
    let entry = compiled.get(shape);
    if (!entry) {
      const names = new Map<string, [number, string]>();
      const placeholders = rows.map((_, i) =>
        Object.fromEntries(
          keys.map((key) => {
            const name = `\u0000laurel-row-${i}-${key}\u0000`;
            names.set(name, [i, key]);
            return [key, name];
          }),
        ),
      ) as T[];
      const query = build(db, placeholders).compile();
      entry = { query, slots: query.parameters.map((value) => (typeof value === 'string' ? names.get(value) : undefined)) };
      compiled.set(shape, entry);
    }
    const { query, slots } = entry;
    const parameters = query.parameters.map((value, i) => {
      const slot = slots[i];
      return slot === undefined ? value : (rows[slot[0]] as Record<string, unknown>)[slot[1]];
    });
    return db.executeQuery<R>(CompiledQuery.raw(query.sql, parameters) as CompiledQuery<R>).then((result) => result.rows);
  };
}
