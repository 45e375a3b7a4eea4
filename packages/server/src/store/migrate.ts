import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as foundation from './migrations/0001-foundation.js';
import * as engine from './migrations/0002-engine.js';
import * as configVersion from './migrations/0003-config-version.js';
import * as consoleAccounts from './migrations/0004-console.js';
import * as deliveryLogKeys from './migrations/0005-delivery-log-keys.js';
import * as noDeliveriesByEvent from './migrations/0006-no-deliveries-by-event.js';
import * as listenSessions from './migrations/0007-listen-sessions.js';
import * as failedJobs from './migrations/0008-failed-jobs.js';
import * as points from './migrations/0009-points.js';
import * as leaderboards from './migrations/0010-leaderboards.js';
import * as leaderboardGroupSizes from './migrations/0011-leaderboard-group-sizes.js';
import * as rateLimitCounters from './migrations/0013-rate-limit-counters.js';
import * as newerAdmin from './migrations/0014-newer-admin.js';
import * as applicationApiKeys from './migrations/0015-application-api-keys.js';
import type { Schema } from './schema.js';

/** Migrations live in code (no file globbing at run time) and run the same on both backends. */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-engine': engine,
  '0003-config-version': configVersion,
  '0004-console': consoleAccounts,
  '0005-delivery-log-keys': deliveryLogKeys,
  '0006-no-deliveries-by-event': noDeliveriesByEvent,
  '0007-listen-sessions': listenSessions,
  '0008-failed-jobs': failedJobs,
  '0009-points': points,
  '0010-leaderboards': leaderboards,
  '0011-leaderboard-group-sizes': leaderboardGroupSizes,
  '0013-rate-limit-counters': rateLimitCounters,
  '0014-newer-admin': newerAdmin,
  '0015-application-api-keys': applicationApiKeys,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<Schema>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'laurel_migrations',
    migrationLockTableName: 'laurel_migrations_lock',
    // 0011 was added after 0013 and 0014: a database that already has those runs it late, which it
    // can (it needs only 0010).
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
