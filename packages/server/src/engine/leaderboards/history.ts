import type { HistoryRow } from './types.js';

/**
 * A user's rank history in one run: at most one row per local date, for the days on which their
 * rank or value changed (their own activity or others passing them). A row holds the standing at
 * the end of that day and, as previous, the standing of the row before it (null on the first row:
 * not on the board).
 *
 * `latest` is the user's newest stored row in the run, or null. The answer is the row to upsert
 * for `date`, or null when there is nothing to write: a later change on the same day updates that
 * day's row and keeps its previous standing; a change on a new day adds a row only when the
 * standing differs from the latest row. Off the board, rank and value are both null.
 */
export function snapshotRow(latest: HistoryRow | null, date: string, rank: number | null, value: number | null): HistoryRow | null {
  const shownValue = rank === null ? null : value;
  if (latest !== null && latest.date === date) return { ...latest, rank, value: shownValue };
  const previousRank = latest?.rank ?? null;
  const previousValue = latest?.value ?? null;
  if (previousRank === rank && previousValue === shownValue) return null;
  return { date, previousRank, rank, previousValue, value: shownValue };
}

/** A LeaderboardEvent as the API shows it: the row plus its deprecated midnight-UTC timestamp. */
export interface HistoryEvent extends HistoryRow {
  timestamp: string;
}

/** The latest `numEvents` rows (0-100, default 10), oldest first, as `history` shows them. */
export function historyView(rows: readonly HistoryRow[], numEvents = 10): HistoryEvent[] {
  const sorted = [...rows].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return sorted.slice(Math.max(0, sorted.length - numEvents)).map((row) => ({
    date: row.date,
    timestamp: `${row.date}T00:00:00.000Z`,
    previousRank: row.previousRank,
    rank: row.rank,
    previousValue: row.previousValue,
    value: row.value,
  }));
}
