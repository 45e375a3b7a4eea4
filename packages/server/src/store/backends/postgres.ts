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

// The worker runs at most a claim, a batch of loads and one write at a time.
const QUEUE_POOL_SIZE = 6;

export function openPostgres(url: string, poolSize = 10): Backend {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  const queuePool = new pg.Pool({ connectionString: url, max: QUEUE_POOL_SIZE, types, options: '-c synchronous_commit=off' });
  // A connection that drops (server restart, failover) must not crash the process. The pool
  // listens on idle clients only; a client checked out between two statements of a transaction
  // would emit 'error' with no listener: each client keeps one of its own, and the statement it
  // runs next fails with the error instead (an HTTP 503, http/error-handler.ts).
  for (const each of [pool, queuePool]) {
    each.on('error', () => {});
    each.on('connect', (client) => client.on('error', () => {}));
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const queue = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: queuePool }) });
  const listeners: { stop(): Promise<void> }[] = [];
  return {
    kind: 'postgres',
    db,
    queue,
    supportsSkipLocked: true,
    parallelTransactions: true,
    sharedByProcesses: true,
    async notify(trx, channel, payload) {
      await sql`select pg_notify(${channel}, ${payload})`.execute(trx);
    },
    async listen(channel, onNotify) {
      const listener = await listenWithReconnect(url, channel, onNotify);
      listeners.push(listener);
      return () => listener.stop();
    },
    async close() {
      await Promise.all(listeners.map((listener) => listener.stop()));
      await Promise.all([db.destroy(), queue.destroy()]);
    },
  };
}

/**
 * LISTEN on a dedicated connection (LISTEN is per session, pooled clients come and go). If the
 * connection drops (server restart, network), it reconnects with backoff and then calls
 * `onNotify('')` so the listener looks for anything it missed meanwhile.
 */
async function listenWithReconnect(url: string, channel: string, onNotify: (payload: string) => void): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let delayMs = 500;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, types });
    next.on('notification', (message) => onNotify(message.payload ?? ''));
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      await next.end().catch(() => {});
      throw error;
    }
    client = next;
    delayMs = 500;
  };

  const lost = (failed: pg.Client) => {
    if (failed !== client) return;
    client = undefined;
    failed.end().catch(() => {});
    scheduleReconnect();
  };

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(async () => {
      retryTimer = undefined;
      try {
        await connect();
        onNotify('');
      } catch {
        delayMs = Math.min(delayMs * 2, 30_000);
        scheduleReconnect();
      }
    }, delayMs);
    retryTimer.unref();
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await client?.end().catch(() => {});
    },
  };
}
