import { hostname } from 'node:os';
import SQLite from 'better-sqlite3';
import { DatabaseInUseError, isDatabaseBusy, type DatabaseHolder } from '../database-errors.js';

/** How long a starting server waits for the lock: enough for a server that is just exiting. */
const LOCK_WAIT_MS = 1_000;

export interface ServerLock {
  release(): void;
}

/**
 * One server process per SQLite file. The server holds the write lock of a small SQLite database
 * beside the data, `laurel.db.lock`, for as long as it runs: a transaction begun and never ended.
 * That lock is the operating system's (fcntl), so it goes with the process however the process
 * ends: a server killed with SIGKILL leaves nothing stale behind, and a reused pid cannot fool it.
 * The lock stops writers only, so a second server can still read who holds the file, which the
 * holder committed just before taking the lock for good. Other processes (the CLI) open the data
 * itself, never this file. Nothing else in the holding process may open it either: closing any
 * descriptor of a file drops every fcntl lock the process has on it (SQLite guards only its own).
 */
export function claimSqliteFile(databasePath: string, description: string): ServerLock {
  const lock = new SQLite(`${databasePath}.lock`, { timeout: LOCK_WAIT_MS });
  try {
    lock.exec('create table if not exists holder (pid integer not null, host text not null, started_at text not null, description text not null)');
    if (!tryBegin(lock)) throw new DatabaseInUseError(databasePath, readHolder(lock));
    lock.prepare('delete from holder').run();
    lock.prepare('insert into holder (pid, host, started_at, description) values (?, ?, ?, ?)').run(process.pid, hostname(), new Date().toISOString(), description);
    lock.exec('commit');
    // Between the commit and this begin another server may have claimed the file: then it is theirs.
    if (!tryBegin(lock)) throw new DatabaseInUseError(databasePath, readHolder(lock));
  } catch (error) {
    lock.close();
    throw error;
  }
  return {
    release() {
      lock.exec('rollback');
      lock.close();
    },
  };
}

function tryBegin(lock: SQLite.Database): boolean {
  try {
    lock.exec('begin immediate');
    return true;
  } catch (error) {
    if (isDatabaseBusy(error)) return false;
    throw error;
  }
}

function readHolder(lock: SQLite.Database): DatabaseHolder | undefined {
  try {
    const row = lock.prepare('select pid, host, started_at, description from holder').get() as
      | { pid: number; host: string; started_at: string; description: string }
      | undefined;
    return row && { pid: row.pid, host: row.host, startedAt: row.started_at, description: row.description };
  } catch {
    // Still being written by a holder that is starting: the message says "another process".
    return undefined;
  }
}
