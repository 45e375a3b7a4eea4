import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Laurel checkout's root, where `npm start` runs: src/config and dist/config are both four
 * folders below it (packages/server/{src,dist}/config).
 */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * DATABASE_URL with a relative SQLite path made absolute against the project root, not the
 * working directory: `npm start` runs at the root, and `npx laurel keys create` run in examples/
 * must open the same ./data/laurel.db, not make an empty one beside it. An explicit relative path
 * follows the same rule as the default, which is itself relative. Absolute paths, `:memory:` and
 * PostgreSQL URLs are left as they are.
 */
export function resolveDatabaseUrl(databaseUrl: string, root: string = PROJECT_ROOT): string {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return databaseUrl;
  const path = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : databaseUrl;
  if (path === '' || path === ':memory:' || databaseUrl.includes('://') || isAbsolute(path)) return databaseUrl;
  return `sqlite:${resolveFromProjectRoot(path, root)}`;
}

/** A path setting made absolute: a relative one is taken from the project root, never the working directory. */
export function resolveFromProjectRoot(path: string, root: string = PROJECT_ROOT): string {
  return resolve(root, path);
}
