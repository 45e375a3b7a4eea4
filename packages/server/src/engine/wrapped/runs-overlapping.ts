import { runAt, runContaining } from '../leaderboards/runs.js';
import type { Run, RunSettings } from '../leaderboards/types.js';
import type { DateRange } from './types.js';

/** A board's runs that share at least a day with `range`, oldest first (at most 366 for a daily board over a year). */
export function runsOverlapping(settings: RunSettings, range: DateRange): Run[] {
  if (settings.start > range.end || (settings.end !== null && settings.end < range.start)) return [];
  const runs: Run[] = [];
  for (let run = runContaining(settings, settings.start > range.start ? settings.start : range.start); run && run.start <= range.end; run = runAt(settings, run.index + 1)) {
    runs.push(run);
  }
  return runs;
}
