import { ensureDefaultEnvironments, findEnvironmentByName } from '../../src/environments/environments.js';
import type { Backend } from '../../src/store/backends/backend.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openBackend } from '../../src/store/open-backend.js';

/**
 * The store on its own, for tests of queries without a server: the suite's database migrated, with
 * the default environments created at `now`. Returns the backend and the development environment's id.
 */
export async function openTestStore(url: string, now: number): Promise<{ backend: Backend; environmentId: string }> {
  const backend = openBackend(url);
  await migrateToLatest(backend.db);
  await ensureDefaultEnvironments(backend.db, now);
  return { backend, environmentId: (await findEnvironmentByName(backend.db, 'development'))!.id };
}
