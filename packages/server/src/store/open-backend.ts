import { openPostgres } from './backends/postgres.js';
import { openSqlite } from './backends/sqlite.js';
import type { Backend, OpenOptions } from './backends/backend.js';

/** DATABASE_URL: `sqlite:PATH` (or a bare path) selects SQLite, `postgres://` or `postgresql://` PostgreSQL. */
export function openBackend(databaseUrl: string, options: OpenOptions = {}): Backend {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl, options.poolSize);
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(databaseUrl.slice('sqlite:'.length) || ':memory:', options);
  if (databaseUrl.includes('://')) throw new Error(`DATABASE_URL must start with sqlite: or postgres://`);
  return openSqlite(databaseUrl, options);
}

export { describeDatabaseUrl } from './describe-database-url.js';
