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
 * (PostgreSQL). A new window resets the row; a request stamped with an earlier window (a process
 * whose clock lags) is counted in the newer one instead of resetting it. Pass a pool that commits
 * without waiting for the disk flush: a count lost in a database crash only lets a few requests
 * more through.
 *
 * Every upsert of one row waits for the row lock of the one before, so one upsert per request
 * capped a tier at a few hundred requests per second on a loaded 2-core machine. Instead each
 * process keeps at most one upsert per row in flight: requests arriving meanwhile are added
 * together by the next one (`count + k`), and each of them takes its own place in the range that
 * upsert answers. The count stays exact across processes, since every upsert adds atomically.
 */
export function databaseCounter(db: Kysely<Schema>): RateLimitCounter {
  const waiting = new Map<string, Batch>();
  const inFlight = new Set<string>();

  const flush = async (key: string): Promise<void> => {
    const batch = waiting.get(key);
    if (batch === undefined) return;
    waiting.delete(key);
    inFlight.add(key);
    try {
      const added = batch.waiters.length;
      const { count, windowStart } = await addToWindow(db, batch.environmentId, batch.tier, batch.windowStart, added);
      batch.waiters.forEach((waiter, i) => waiter.resolve({ count: count - added + 1 + i, windowStart }));
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error as Error);
    } finally {
      inFlight.delete(key);
      void flush(key);
    }
  };

  return {
    increment(environmentId, tier, windowStart) {
      return new Promise<WindowCount>((resolve, reject) => {
        const key = `${tier}\u0000${environmentId}`;
        const batch = waiting.get(key);
        if (batch) {
          batch.windowStart = Math.max(batch.windowStart, windowStart);
          batch.waiters.push({ resolve, reject });
        } else {
          waiting.set(key, { environmentId, tier, windowStart, waiters: [{ resolve, reject }] });
        }
        if (!inFlight.has(key)) void flush(key);
      });
    },
  };
}

interface Batch {
  environmentId: string;
  tier: RateLimitTier;
  /** The newest window among the waiters; older stamps count in it, as the upsert does. */
  windowStart: number;
  waiters: { resolve: (count: WindowCount) => void; reject: (error: Error) => void }[];
}

/** One atomic upsert adding `added` requests to the row; answers the count after it. */
async function addToWindow(db: Kysely<Schema>, environmentId: string, tier: RateLimitTier, windowStart: number, added: number): Promise<WindowCount> {
  const newer = sql<boolean>`excluded.window_start > rate_limit_counters.window_start`;
  const row = await db
    .insertInto('rate_limit_counters')
    .values({ environment_id: environmentId, tier, window_start: windowStart, count: added })
    .onConflict((conflict) =>
      conflict.columns(['environment_id', 'tier']).doUpdateSet({
        count: sql<number>`case when ${newer} then excluded.count else rate_limit_counters.count + excluded.count end`,
        window_start: sql<number>`case when ${newer} then excluded.window_start else rate_limit_counters.window_start end`,
      }),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), windowStart: Number(row.window_start) };
}
