import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.js';

type Work<T> = (trx: Kysely<Schema>) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Writes sharing one commit at most; bounds how long the first of them waits for the rest. */
const MAX_GROUP = 64;

/**
 * Group commit for SQLite's single connection: writes that arrive while a transaction runs wait,
 * then run together in the next transaction, each inside its own savepoint, and share one commit
 * (a commit was a fifth of a metric event's cost). A write that fails rolls back to its savepoint
 * and fails alone; each caller learns its outcome only once the commit is durable.
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<Schema>) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.flushing) return;
      this.flushing = true;
      // better-sqlite3 is synchronous, so a transaction never yields to I/O: writes only meet if the
      // first waits for the requests already read from sockets (one turn of the event loop).
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP);
      const outcomes: { ok: boolean; value: unknown }[] = [];
      try {
        await this.db.transaction().execute(async (trx) => {
          // A group of one needs no savepoint: its failure rolls the transaction back.
          if (group.length === 1) outcomes.push({ ok: true, value: await group[0]!.work(trx) });
          else for (const item of group) outcomes.push(await inSavepoint(trx, item.work));
        });
      } catch (error) {
        // The commit itself failed (or the one write of a group of one): nothing of the group stands.
        for (const item of group) item.reject(error);
        continue;
      }
      group.forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
    }
    this.flushing = false;
  }
}

async function inSavepoint(trx: Kysely<Schema>, work: Work<unknown>): Promise<{ ok: boolean; value: unknown }> {
  await sql`savepoint laurel_write`.execute(trx);
  try {
    const value = await work(trx);
    await sql`release laurel_write`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to laurel_write`.execute(trx);
    await sql`release laurel_write`.execute(trx);
    return { ok: false, value: error };
  }
}
