import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * The text value at a top-level key of a column holding a JSON object as text (users'
 * `attributes`), null when the key is absent. Both databases spell it `->>`; PostgreSQL first
 * needs the text cast to jsonb, SQLite (3.38+) reads the text as it is. The key is a bound value.
 */
export function jsonTextField(db: Kysely<any>, column: string, key: string): RawBuilder<string | null> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql<string | null>`(cast(${sql.ref(column)} as jsonb) ->> ${key})`
    : sql<string | null>`(${sql.ref(column)} ->> ${key})`;
}
