import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { Schema } from '../schema.js';
import type { Backend } from './backend.js';

/**
 * Embedded SQLite: one connection, which Kysely serialises. That serialisation is also why an
 * in-process wake-up after an emit is enough: the worker's claim cannot run until the emitting
 * transaction has committed or rolled back.
 */
export function openSqlite(path: string): Backend {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const connection = new SQLite(path);
  connection.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
  return {
    kind: 'sqlite',
    db,
    queue: db,
    supportsSkipLocked: false,
    listen: undefined,
    notify: undefined,
    close: () => db.destroy(),
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
