import { sql, type RawBuilder } from 'kysely';
import type { Backend } from './backends/backend.js';

export type RowSetColumns<Row> = { [K in keyof Row & string]: 'text' | 'integer' | 'bigint' };

/**
 * A batch of records as a table, bound as ONE JSON parameter: `jsonb_to_recordset` on PostgreSQL,
 * `jsonb_each` on SQLite (`json_each` re-parsed each row for every column). The statement's text is
 * then the same whatever the batch size, so SQLite prepares it once, and neither Kysely nor the
 * database handles hundreds of separate parameters; for the delivery worker's batched writes that
 * was most of their cost. Use as `from ${rowSet(...)}`.
 */
export function rowSet<Row extends object>(kind: Backend['kind'], alias: string, columns: RowSetColumns<Row>, rows: readonly Row[]): RawBuilder<unknown> {
  const json = JSON.stringify(rows);
  const names = Object.keys(columns) as (keyof typeof columns)[];
  if (kind === 'postgres') {
    const definitions = names.map((name) => `${name} ${columns[name]}`).join(', ');
    return sql`jsonb_to_recordset(${json}::jsonb) as ${sql.raw(`${alias}(${definitions})`)}`;
  }
  const selected = names.map((name) => `value ->> '${name}' as ${name}`).join(', ');
  return sql`(select ${sql.raw(selected)} from jsonb_each(${json})) as ${sql.raw(alias)}`;
}
