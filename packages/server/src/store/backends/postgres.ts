import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Schema } from '../schema.js';
import type { Backend } from './backend.js';

// bigint columns hold millisecond timestamps and counts, all well inside 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

export function openPostgres(url: string, poolSize = 10): Backend {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const listeners: pg.Client[] = [];
  return {
    kind: 'postgres',
    db,
    supportsSkipLocked: true,
    async notify(trx, channel, payload) {
      await sql`select pg_notify(${channel}, ${payload})`.execute(trx);
    },
    async listen(channel, onNotify) {
      // A dedicated connection: LISTEN is per session, and pooled clients come and go.
      const client = new pg.Client({ connectionString: url, types });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (message) => onNotify(message.payload ?? ''));
      await client.query(`LISTEN ${channel}`);
      listeners.push(client);
      return async () => {
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all(listeners.map((client) => client.end().catch(() => {})));
      await db.destroy();
    },
  };
}
