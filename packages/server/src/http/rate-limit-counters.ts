import { sql, type Kysely } from 'kysely';
import type { RateLimitTier } from '../config/rate-limits.js';
import type { Schema } from '../store/schema.js';

/** Requests counted for one environment's tier in one fixed window. */
export interface WindowCount {
  count: number;
  /** The window counted in: the one asked for, or a later one another process already started. */
  windowStart: number;
}

/** Where a tier's requests are counted, per environment and fixed window. */
export interface RateLimitCounter {
  /** Counts one request in the window starting at `windowStart`, atomically. */
  increment(environmentId: string, tier: RateLimitTier, windowStart: number): Promise<WindowCount>;
}

/**
 * In this process's memory: right where one server process holds the database (SQLite). At most
 * one entry per environment and tier, overwritten when a window ends.
 */
export function memoryCounter(): RateLimitCounter {
  const windows = new Map<string, WindowCount>();
  return {
    async increment(environmentId, tier, windowStart) {
      const key = `${tier}\u0000${environmentId}`;
      const current = windows.get(key);
      // The same rule as the upsert below, so both counters answer alike.
      const next =
        current === undefined || windowStart > current.windowStart
          ? { count: 1, windowStart }
          : { count: current.count + 1, windowStart: current.windowStart };
      windows.set(key, next);
      return next;
    },
  };
}

/**
 * In the database, one row per environment and tier, so every process serving it counts together
 * (PostgreSQL). One upsert per request: a new window resets the row; a request stamped with an
 * earlier window (a process whose clock lags) is counted in the newer one instead of resetting it.
 * The row lock lasts one statement; pass a pool that commits without waiting for the disk flush,
 * since a counter lost in a database crash only lets a few requests more through.
 */
export function databaseCounter(db: Kysely<Schema>): RateLimitCounter {
  return {
    async increment(environmentId, tier, windowStart) {
      const newer = sql<boolean>`excluded.window_start > rate_limit_counters.window_start`;
      const row = await db
        .insertInto('rate_limit_counters')
        .values({ environment_id: environmentId, tier, window_start: windowStart, count: 1 })
        .onConflict((conflict) =>
          conflict.columns(['environment_id', 'tier']).doUpdateSet({
            count: sql<number>`case when ${newer} then 1 else rate_limit_counters.count + 1 end`,
            window_start: sql<number>`case when ${newer} then excluded.window_start else rate_limit_counters.window_start end`,
          }),
        )
        .returning(['count', 'window_start'])
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), windowStart: Number(row.window_start) };
    },
  };
}
