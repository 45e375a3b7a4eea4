import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type SqliteDatabase } from 'kysely';
import { DatabaseNotFoundError } from '../database-errors.js';
import type { Schema } from '../schema.js';
import type { Backend, OpenOptions } from './backend.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import { claimSqliteFile } from './sqlite-server-lock.js';

/**
 * How long a write waits for another process's write lock before failing with SQLITE_BUSY (which
 * the API answers with 503 and Retry-After). The only other writers are short CLI commands
 * (`laurel keys create`: milliseconds). better-sqlite3 waits synchronously, so this also bounds how
 * long such a wait can stall the server's event loop.
 */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * Embedded SQLite: one connection, which Kysely serialises. That serialisation is also why an
 * in-process wake-up after an emit is enough: the worker's claim cannot run until the emitting
 * transaction has committed or rolled back.
 */
export function openSqlite(path: string, options: OpenOptions = {}): Backend {
  const inMemory = path === ':memory:';
  if (!inMemory && options.mustExist && !existsSync(path)) throw new DatabaseNotFoundError(resolve(path));
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  // Claimed before the data is opened: a refused second server changes nothing.
  const lock = !inMemory && options.claim !== undefined ? claimSqliteFile(resolve(path), options.claim) : undefined;
  let connection: SQLite.Database;
  try {
    connection = new SQLite(path, { timeout: BUSY_TIMEOUT_MS });
    connection.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
    connection.pragma('synchronous = NORMAL');
    connection.pragma('foreign_keys = ON');
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(connection) }) });
  return {
    kind: 'sqlite',
    db,
    queue: db,
    supportsSkipLocked: false,
    parallelTransactions: false,
    sharedByProcesses: false,
    listen: undefined,
    notify: undefined,
    async close() {
      await db.destroy();
      lock?.release();
    },
  };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query it runs; compiling SQL was a fifth of the delivery worker's CPU.
 * Reusing prepared statements by SQL text (most recently used kept) removes that. Safe because
 * the one connection runs one statement at a time and nothing here iterates lazily.
 */
function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = connection.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
    close: () => connection.close(),
  };
}
