/**
 * Rows written straight into the database for states no API can make, shared by two or more
 * folders: a streak's state (a streak many days long) and a user's total without its history.
 */
import type { StreakState } from '../../src/engine/streaks/index.js';
import type { TestLaurel } from './laurel.js';

/** A user's streak state, as the streak job would have left it. */
export async function setStreakState(laurel: TestLaurel, environment: string, userId: string, state: Partial<StreakState>): Promise<void> {
  const values = {
    length: state.length ?? 0,
    started: state.started ?? null,
    last_period_start: state.lastPeriodStart ?? null,
    last_extended_at: state.lastExtendedAt ?? null,
    freezes: state.freezes ?? 0,
    next_freeze_earn: state.nextFreezeEarn ?? null,
    updated_at: laurel.clock.now(),
  };
  await laurel.backend.db
    .insertInto('user_streaks')
    .values({ environment_id: environment, user_id: userId, ...values })
    .onConflict((oc) => oc.columns(['environment_id', 'user_id']).doUpdateSet(values))
    .execute();
}

/** A user's total for a metric, without the events that would have made it. */
export async function setTotal(laurel: TestLaurel, env: { id: string }, userId: string, metricId: string, total: number): Promise<void> {
  await laurel.backend.db
    .insertInto('user_metrics')
    .values({ environment_id: env.id, user_id: userId, metric_id: metricId, total, updated_at: laurel.clock.now() })
    .onConflict((oc) => oc.columns(['environment_id', 'user_id', 'metric_id']).doUpdateSet({ total }))
    .execute();
}
