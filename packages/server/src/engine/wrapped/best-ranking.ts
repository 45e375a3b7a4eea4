import type { DateRange, WrappedStanding } from './types.js';

export interface BestRanking {
  runStart: string;
  runEnd: string | null;
  rank: number;
  value: number | null;
}

/**
 * The user's best (lowest) rank on a board during a period. A standing row is the rank at the end
 * of a date on which it changed, so the rank held when the period began (the run's last row
 * before it, while that run still goes on) counts too. Equal ranks: the earliest. null when the
 * user held no place in the period.
 */
export function bestRanking(standings: readonly WrappedStanding[], range: DateRange): BestRanking | null {
  const byRun = new Map<string, WrappedStanding[]>();
  for (const standing of standings) {
    const rows = byRun.get(standing.runStart) ?? [];
    rows.push(standing);
    byRun.set(standing.runStart, rows);
  }
  let best: { standing: WrappedStanding; order: string } | undefined;
  const consider = (standing: WrappedStanding, order: string): void => {
    if (standing.rank === null) return;
    if (!best || standing.rank < (best.standing.rank as number) || (standing.rank === best.standing.rank && order < best.order)) best = { standing, order };
  };
  for (const rows of byRun.values()) {
    const { runStart, runEnd } = rows[0]!;
    if (runStart > range.end || (runEnd !== null && runEnd < range.start)) continue;
    const sorted = [...rows].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    let heldAtStart: WrappedStanding | undefined;
    for (const row of sorted) {
      if (row.date < range.start) heldAtStart = row;
      else if (row.date <= range.end) consider(row, row.date);
    }
    if (heldAtStart) consider(heldAtStart, range.start);
  }
  if (!best) return null;
  const { runStart, runEnd, rank, value } = best.standing;
  return { runStart, runEnd, rank: rank as number, value };
}
