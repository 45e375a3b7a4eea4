import type { LevelChange, LevelRule } from './types.js';

/** The order of a system's levels in lists: by threshold, then key (levels may share a threshold). */
export function compareLevels(a: LevelRule, b: LevelRule): number {
  return a.points - b.points || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * A user's level: the highest level whose threshold the total has reached (>=, so a 0-point
 * starting level holds from the start); among levels sharing that threshold, the first by key.
 * Null when the system has no levels or the total is below the lowest threshold.
 */
export function levelFor<L extends LevelRule>(levels: readonly L[], total: number): L | null {
  let best: L | null = null;
  for (const level of levels) {
    if (level.points > total) continue;
    if (best === null || level.points > best.points || (level.points === best.points && level.key < best.key)) best = level;
  }
  return best;
}

/**
 * The level change a new total makes from the user's previous level (ids), or null when the level
 * is the same: the caller then sends no points.level_changed and leaves `level` out of responses.
 */
export function levelChange(previousId: string | null, levels: readonly LevelRule[], total: number): LevelChange | null {
  const next = levelFor(levels, total)?.id ?? null;
  return next === previousId ? null : { previous: previousId, next };
}
