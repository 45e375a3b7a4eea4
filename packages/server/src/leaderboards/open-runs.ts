import { finishedDueAt, runAt, runContaining, startedDueAt, type Run, type RunSettings } from '../engine/leaderboards/index.js';

/**
 * The runs "open" at an instant: their leaderboard.started is due by then (10:00 UTC the day
 * before the run's start) and their leaderboard.finished is not (13:00 UTC the day after its end;
 * never for a run without an end). Oldest first. A run lasts at least a day, so at most three runs
 * are open at once (a daily board's previous, current and next), and they lie within two days of
 * the instant's UTC date: only runs k0 - 2 .. k0 + 2 around it are looked at.
 */
export function openRuns(settings: RunSettings, at: number): Run[] {
  const date = new Date(at).toISOString().slice(0, 10);
  const around = date < settings.start ? runAt(settings, 0) : runContaining(settings, settings.end !== null && date > settings.end ? settings.end : date);
  if (around === null) return [];
  const open: Run[] = [];
  for (let k = around.index - 2; k <= around.index + 2; k++) {
    const run = runAt(settings, k);
    if (run === null || startedDueAt(run) > at) continue;
    const finished = finishedDueAt(run);
    if (finished === null || finished > at) open.push(run);
  }
  return open;
}
