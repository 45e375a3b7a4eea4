import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * The delivery log's high-volume tables (events, deliveries, delivery_attempts) lose their foreign
 * keys; the code that deletes their rows (webhook deletion, the retention sweep) deletes the
 * dependent rows itself, in the same transaction.
 *
 * Why: on PostgreSQL every inserted row ran a referential check that locks the parent row
 * (FOR KEY SHARE). That was a fifth of the database's work per delivery (18 µs of 90), and every
 * concurrent emitting transaction locked the same webhook and environment rows, which PostgreSQL
 * records as multixacts: a known bottleneck for busy outboxes. The parents are checked anyway: the
 * outbox writes deliveries only for webhooks it has just verified, environments are never deleted,
 * and attempts are written only for deliveries their worker holds.
 */
const TABLES = ['delivery_attempts', 'deliveries', 'events'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    // SQLite cannot drop a constraint: each table is rebuilt without it. Children go first, so
    // no table being dropped is still referenced and nothing cascades.
    await db.transaction().execute(async (trx) => {
      for (const table of TABLES) await rebuildWithoutReferences(trx, table);
    });
    return;
  }
  const { rows } = await sql<{ table: string; name: string }>`
    select conrelid::regclass::text as table, conname as name from pg_constraint
    where contype = 'f' and conrelid::regclass::text in (${sql.join(TABLES)})
  `.execute(db);
  for (const { table, name } of rows) await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(name)}`.execute(db);
}

async function rebuildWithoutReferences(db: Kysely<any>, table: string): Promise<void> {
  const { rows } = await sql<{ type: string; sql: string }>`
    select type, sql from sqlite_master where tbl_name = ${table} and sql is not null order by type desc
  `.execute(db);
  const create = rows.find((row) => row.type === 'table')!.sql;
  // The clause as Kysely wrote it in 0001: references "parent" ("id") on delete cascade
  const withoutReferences = create.replace(/\s+references\s+"\w+"\s*\("\w+"\)(\s+on delete cascade)?/gi, '');
  if (/references/i.test(withoutReferences)) throw new Error(`could not remove the foreign keys of ${table}: ${create}`);
  const rebuilt = `${table}_rebuilt`;
  await sql.raw(withoutReferences.replace(`"${table}"`, `"${rebuilt}"`)).execute(db);
  await sql`insert into ${sql.table(rebuilt)} select * from ${sql.table(table)}`.execute(db);
  await sql`drop table ${sql.table(table)}`.execute(db);
  await sql`alter table ${sql.table(rebuilt)} rename to ${sql.table(table)}`.execute(db);
  for (const index of rows.filter((row) => row.type === 'index')) await sql.raw(index.sql).execute(db);
}
