/** The parts of a points.changed payload (MetricEventPointsResponse) that coalescing touches. */
export interface PointsChangedShape {
  added: number;
  awards: readonly unknown[];
  /** Present only when the level changed. */
  level?: unknown;
}

/**
 * The merge for offerThrottle on points.changed: a trailing delivery carries the latest state
 * (total, system fields) with `added` summed and the awards collected, oldest first. `level`,
 * present only when a change moved the level, is the latest such level: once any change of the
 * window moved it, the merged payload says where it now is.
 */
export function mergePointsChanged<T extends PointsChangedShape>(older: T, newer: T): T {
  const merged: T = { ...newer, added: older.added + newer.added, awards: [...older.awards, ...newer.awards] };
  if (!('level' in newer) && 'level' in older) merged.level = older.level;
  return merged;
}
