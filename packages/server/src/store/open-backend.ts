import { openPostgres } from './backends/postgres.js';
import { openSqlite } from './backends/sqlite.js';
import type { Backend } from './backends/backend.js';

/** DATABASE_URL: `sqlite:PATH` (or a bare path) selects SQLite, `postgres://` or `postgresql://` PostgreSQL. */
export function openBackend(databaseUrl: string, options: { poolSize?: number } = {}): Backend {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl, options.poolSize);
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(databaseUrl.slice('sqlite:'.length) || ':memory:');
  if (databaseUrl.includes('://')) throw new Error(`DATABASE_URL must start with sqlite: or postgres://`);
  return openSqlite(databaseUrl);
}

export { describeDatabaseUrl } from './describe-database-url.js';
