import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite dialect with transactions that take the write lock when they begin (BEGIN
 * IMMEDIATE) rather than at their first write. In WAL mode a deferred transaction that has read
 * and then writes while another process holds the lock fails with SQLITE_BUSY at once: SQLite does
 * not call the busy handler there (its snapshot may already be stale, and waiting could deadlock).
 * Taken at BEGIN, before anything is read, the lock is waited for up to the busy timeout like any
 * other, so a `laurel keys create` beside a running server only delays its writes.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
