import type { Kysely } from 'kysely';
import { activeRules, type ActiveRules } from '../achievements/achievement-queries.js';
import type { StreakSettings } from '../engine/streaks/index.js';
import type { Leaderboard } from '../leaderboards/leaderboard.js';
import { liveLeaderboards } from '../leaderboards/leaderboard-reads.js';
import { loadPointsConfig, type PointsConfig } from '../points/points-config.js';
import type { MetricRow, Schema } from '../store/schema.js';
import { loadStreakSettings } from '../streaks/streak-settings.js';
import { prepared } from '../store/prepared.js';

/** What processing a metric event needs to know about its environment, read once per change. */
export interface EnvironmentConfig {
  version: number;
  metricsByKey: ReadonlyMap<string, MetricRow>;
  attributeKeys: { user: ReadonlySet<string>; event: ReadonlySet<string> };
  streakSettings: StreakSettings;
  rules: ActiveRules;
  /** The boards that can rank (scheduled or active), oldest first. */
  leaderboards: readonly Leaderboard[];
  /** The active points systems with their rules (points/points-config.ts). */
  points: PointsConfig;
}

/**
 * Per-process cache of each environment's configuration, checked against `config_version` (which
 * triggers bump on every configuration write) inside the caller's transaction: one small read per
 * event instead of several, and never stale, whichever process made the change.
 */
export class ConfigCache {
  private readonly entries = new Map<string, EnvironmentConfig>();

  async get(trx: Kysely<Schema>, environmentId: string): Promise<EnvironmentConfig> {
    // The version is read before the configuration: a change committed in between makes the entry
    // newer than its version says, which only costs one more reload, never a stale read.
    const version = await currentVersion(trx, environmentId);
    const cached = this.entries.get(environmentId);
    if (cached && cached.version === version) return cached;
    const loaded = await load(trx, environmentId, version);
    this.entries.set(environmentId, loaded);
    return loaded;
  }
}

const versionOf = prepared((db, environmentId: string) => db.selectFrom('environments').select('config_version').where('id', '=', environmentId));

async function currentVersion(trx: Kysely<Schema>, environmentId: string): Promise<number> {
  const [row] = await versionOf(trx, environmentId);
  if (!row) throw new Error(`environment ${environmentId} not found`);
  return Number(row.config_version);
}

async function load(trx: Kysely<Schema>, environmentId: string, version: number): Promise<EnvironmentConfig> {
  const metrics = await trx.selectFrom('metrics').selectAll().where('environment_id', '=', environmentId).execute();
  const attributes = await trx.selectFrom('attributes').select(['key', 'type']).where('environment_id', '=', environmentId).execute();
  return {
    version,
    metricsByKey: new Map(metrics.map((metric) => [metric.key, metric])),
    attributeKeys: {
      user: new Set(attributes.filter((a) => a.type === 'user').map((a) => a.key)),
      event: new Set(attributes.filter((a) => a.type === 'event').map((a) => a.key)),
    },
    streakSettings: await loadStreakSettings(trx, environmentId),
    rules: await activeRules(trx, environmentId),
    leaderboards: await liveLeaderboards(trx, environmentId),
    points: await loadPointsConfig(trx, environmentId),
  };
}
