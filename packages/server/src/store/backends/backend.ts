import type { Kysely } from 'kysely';
import type { Schema } from '../schema.js';

/**
 * What differs between SQLite and PostgreSQL, read in one place. Everything else (migrations,
 * queries, the delivery engine) is the same code on both.
 */
export interface Backend {
  kind: 'sqlite' | 'postgres';
  db: Kysely<Schema>;
  /**
   * What the delivery worker uses for its own bookkeeping (claims, attempt log, leases). On
   * PostgreSQL a separate small pool that commits without waiting for the disk flush: if the
   * database server crashes, the last few claims or outcomes may be forgotten, which only means
   * those deliveries are sent again (at least once, as always); events themselves are written by
   * `db`, durably. Rate-limit counters use it too (a lost count lets a few requests more through).
   * On SQLite it is `db` itself (one connection).
   */
  queue: Kysely<Schema>;
  /** PostgreSQL claims with FOR UPDATE SKIP LOCKED so many workers can share the queue. */
  supportsSkipLocked: boolean;
  /**
   * Whether transactions on `db` can run side by side (PostgreSQL's pool). SQLite's one
   * connection runs them one after another, so starting more at once only makes them queue.
   */
  parallelTransactions: boolean;
  /**
   * Whether several server processes serve this database at once (PostgreSQL), so state one
   * process keeps in memory is not the whole truth: rate limits then count in the database
   * (http/rate-limit.ts). On SQLite one server process holds the file (sqlite-server-lock.ts).
   */
  sharedByProcesses: boolean;
  /** Wakes listeners when the surrounding transaction commits (PostgreSQL NOTIFY); undefined on SQLite. */
  notify: ((trx: Kysely<Schema>, channel: string, payload: string) => Promise<void>) | undefined;
  /** Subscribe to other processes' notifications; undefined where one process owns the database. */
  listen: ((channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>) | undefined;
  close(): Promise<void>;
}

/** How a process opens its database; each backend reads what applies to it. */
export interface OpenOptions {
  /** PostgreSQL connections for `db` (the queue's pool is fixed and small). */
  poolSize?: number | undefined;
  /**
   * Claims the database for this server process until `close()`, saying what the process is (for
   * the message a refused one prints). On SQLite, which one server process serves, a second claim
   * of the same file fails with DatabaseInUseError; PostgreSQL is shared by design and ignores it.
   */
  claim?: string | undefined;
  /**
   * Refuse (DatabaseNotFoundError) rather than create a SQLite file that does not exist: commands
   * other than start and migrate must find the server's database, not make an empty one elsewhere.
   */
  mustExist?: boolean | undefined;
}
