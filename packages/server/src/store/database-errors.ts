/** What opening or writing a database can fail with that a person, not a bug, must sort out. */

/** Who holds a SQLite file, as its server wrote it down when it claimed the file. */
export interface DatabaseHolder {
  pid: number;
  host: string;
  /** ISO 8601. */
  startedAt: string;
  /** What the process is, e.g. `laurel start, port 8080`. */
  description: string;
}

/** A second server on a SQLite file that a running one holds. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly path: string,
    readonly holder: DatabaseHolder | undefined,
  ) {
    const who = holder ? `process ${holder.pid} on ${holder.host} (${holder.description}, since ${holder.startedAt})` : 'another process';
    super(
      `${path} is in use by another Laurel server: ${who}. A SQLite database serves one server process: ` +
        'stop that one first, or give this one a database of its own with DATABASE_URL. ' +
        '(laurel keys create, laurel environments and laurel listen work beside a running server.)',
    );
    this.name = 'DatabaseInUseError';
  }
}

/** A command that must not create a database found none where it looked. */
export class DatabaseNotFoundError extends Error {
  constructor(readonly path: string) {
    super(
      `no Laurel database at ${path}. laurel start (npm start) or laurel migrate creates it there; ` +
        "if the server keeps its data elsewhere, set DATABASE_URL to the server's (a relative sqlite: path is taken from the Laurel checkout's root)",
    );
    this.name = 'DatabaseNotFoundError';
  }
}

/**
 * SQLite could not get its write lock within the busy timeout (SQLITE_BUSY and its extended codes,
 * e.g. SQLITE_BUSY_SNAPSHOT). Transactions take the lock when they begin, so the one that failed
 * had written nothing (and is rolled back): the request can be sent again.
 */
export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

// Node's socket errors on connecting or talking to PostgreSQL, and PostgreSQL's own "not now":
// 57P01-57P03 (shutting down, crash recovery, starting up), 53300 (too many connections), and
// class 08 (connection exceptions).
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
// node-postgres raises these two without a code.
const unreachableMessages = /^(Connection terminated|timeout exceeded when trying to connect)/;

/**
 * The database server could not be reached or dropped the connection: nothing of the request's
 * transaction was committed (a commit that was never acknowledged is rolled back by PostgreSQL
 * with the connection), so the request can be sent again.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (unreachableCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  return unreachableMessages.test(error.message);
}
