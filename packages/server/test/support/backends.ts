import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';
import pg from 'pg';

/**
 * Every storage test runs on both backends: SQLite always, PostgreSQL when DATABASE_URL (or
 * LAUREL_TEST_DATABASE_URL) points at a reachable server. Each suite gets its own fresh database.
 * LAUREL_TEST_BACKENDS=sqlite (or postgres) narrows the list. scripts/run-tests.mjs checks
 * PostgreSQL once per run and narrows the list to SQLite when it is missing, so the skip is one
 * line; the check here serves files run directly with `node --test`.
 */
export type BackendKind = 'sqlite' | 'postgres';

export interface TestDatabase {
  kind: BackendKind;
  /** A DATABASE_URL for this suite's own, empty database. */
  url: string;
}

const postgresUrl = [process.env.LAUREL_TEST_DATABASE_URL, process.env.DATABASE_URL].find((url) => url && /^postgres(ql)?:\/\//.test(url));

let reachability: Promise<string | undefined> | undefined;

/** undefined when PostgreSQL can be used; otherwise why not. */
export function postgresUnavailable(): Promise<string | undefined> {
  reachability ??= (async () => {
    if (!postgresUrl) return 'PostgreSQL tests skipped: set DATABASE_URL=postgres://... to run them';
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      const reason = `PostgreSQL at ${redact(postgresUrl)} is not reachable (${(error as Error).message})`;
      // In CI a missing database is a broken set-up, not a reason to pass with half the tests.
      if (process.env.CI === 'true') throw new Error(reason);
      return `PostgreSQL tests skipped: ${reason}`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachability;
}

function selectedKinds(): BackendKind[] {
  const only = process.env.LAUREL_TEST_BACKENDS?.split(',').map((s) => s.trim());
  return (['sqlite', 'postgres'] as const).filter((kind) => !only || only.includes(kind));
}

const skipPostgres = selectedKinds().includes('postgres') ? await postgresUnavailable() : undefined;

/**
 * Declares `suite` once per backend. Inside, `database()` gives the suite's database URL (created
 * before the suite's tests, dropped after).
 */
export function forEachBackend(title: string, suite: (database: () => TestDatabase, kind: BackendKind) => void): void {
  for (const kind of selectedKinds()) {
    const skip = kind === 'postgres' ? skipPostgres : undefined;
    describe(`${title} [${kind}]`, { skip }, () => {
      let current: TestDatabase | undefined;
      let drop: (() => Promise<void>) | undefined;
      before(async () => {
        const created = kind === 'sqlite' ? createSqliteDatabase() : await createPostgresDatabase();
        current = created.database;
        drop = created.drop;
      });
      suite(() => {
        if (!current) throw new Error('database() is only available inside tests and hooks');
        return current;
      }, kind);
      // Registered after the suite's own hooks: node:test runs `after` hooks in registration
      // order, and the suite must close its connections before its database is dropped.
      after(async () => {
        await drop?.();
      });
    });
  }
}

function createSqliteDatabase(): { database: TestDatabase; drop: () => Promise<void> } {
  // A file, not :memory:, so child processes (crash test) can open the same database.
  const dir = `${process.env.TMPDIR ?? '/tmp'}/laurel-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  return {
    database: { kind: 'sqlite', url: `sqlite:${dir}/laurel.db` },
    drop: async () => {
      const { rm } = await import('node:fs/promises');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresDatabase(): Promise<{ database: TestDatabase; drop: () => Promise<void> }> {
  const name = `laurel_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl!);
  url.pathname = `/${name}`;
  return {
    database: { kind: 'postgres', url: url.toString() },
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
