import type { EvaluationMode, StreakCondition } from './types.js';

/**
 * Whether a period's metric sums meet the streak's conditions: AND needs every condition,
 * OR any one. A condition is met when `sum >= threshold` (a metric with no events sums to 0).
 * An empty condition list is never met: there is nothing to meet, and counting any activity
 * would need more than the sums this function is given.
 */
export function conditionsMet(
  conditions: readonly StreakCondition[],
  mode: EvaluationMode,
  sums: ReadonlyMap<string, number>,
): boolean {
  if (conditions.length === 0) return false;
  const met = (c: StreakCondition) => (sums.get(c.metricId) ?? 0) >= c.threshold;
  return mode === 'AND' ? conditions.every(met) : conditions.some(met);
}
