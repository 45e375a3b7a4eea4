import { localDate } from '../streaks/calendar.js';
import { runContaining } from './runs.js';
import { ranksOn } from './status.js';
import type { Entry, LeaderboardConfig, RankBy, Run } from './types.js';
import { inWindow } from './window.js';

/** A user's score on one board in one run (the caller keys it by board, run and user). */
export interface RunScore {
  /** Metric event values, points awarded, or the streak length, as counted so far in the run. */
  total: number;
  /** The ranked value: an integer; the user takes part only while it is positive. */
  value: number;
  /** When `value` was reached: the tie-break between equal values. */
  reachedAt: number;
}

/**
 * The integer a total ranks by. Metric totals are sums of decimal event values, floored; the sum
 * is first rounded to 9 decimal places so that binary fractions do not lose a unit
 * (0.1 + 0.2 + 0.7 is 0.9999999999999999, which counts as 1). Points are already integers and a
 * streak is its length.
 */
export function leaderboardValue(rankBy: RankBy, total: number): number {
  return rankBy === 'metric' ? Math.floor(Math.round(total * 1e9) / 1e9) : Math.floor(total);
}

/**
 * The run that a metric event or points award at `at`, by a user in `tz`, counts in; null when it
 * does not count. It counts when the board ranks on the user's local date (live, within start..end)
 * and the instant falls inside the daily window on the user's clock. A perpetual board's single run
 * makes "points since start" and "points within the run" the same rule.
 */
export function countingRun(board: LeaderboardConfig, at: number, tz: string | null): Run | null {
  const date = localDate(at, tz);
  if (!ranksOn(board, date) || !inWindow(board, at, tz)) return null;
  return runContaining(board, date);
}

/**
 * A metric (event value) or points (amount awarded, negative for a deduction) board's score after
 * one counted activity; `previous` is the user's score in that same run, null if none yet.
 * reachedAt moves only when the integer value changes, so a tie goes to whoever got there first.
 */
export function addToScore(rankBy: 'metric' | 'points', previous: RunScore | null, amount: number, at: number): RunScore {
  const total = (previous?.total ?? 0) + amount;
  const value = leaderboardValue(rankBy, total);
  return { total, value, reachedAt: previous !== null && previous.value === value ? previous.reachedAt : at };
}

/**
 * A streak board's score: the current length, whatever the daily window (the length is a state,
 * not an activity, and a lost streak must leave the board at once). 0 takes the user off the board.
 * The caller applies it only while the board ranks on the user's local date (ranksOn).
 */
export function streakScore(previous: RunScore | null, length: number, at: number): RunScore {
  return { total: length, value: length, reachedAt: previous !== null && previous.value === length ? previous.reachedAt : at };
}

/** The ranking entry for a user's score. */
export function toEntry(userId: string, score: RunScore): Entry {
  return { userId, value: score.value, reachedAt: score.reachedAt };
}
