import { runAt, runContaining } from './runs.js';
import { dateBeginsAnywhere, dateEndsEverywhere } from './status.js';
import type { AdminStatus, Run, RunSettings } from './types.js';

const HOUR_MS = 3_600_000;

export type RunWebhookType = 'leaderboard.started' | 'leaderboard.finished';

export interface DueWebhook {
  type: RunWebhookType;
  run: Run;
  /** Epoch ms. */
  at: number;
}

/** leaderboard.started is due at 10:00 UTC the day before the run's start: when UTC+14 enters the run. */
export function startedDueAt(run: Run): number {
  return dateBeginsAnywhere(run.start);
}

/**
 * leaderboard.finished is due at 13:00:00.000 UTC the day after the run's end: the run has ended
 * in every time zone at 12:00 UTC (UTC-12 is last), and the hour after leaves time for its last
 * events to be ranked. A fixed instant, so every process computes the same job time. Null for a
 * run that never ends.
 */
export function finishedDueAt(run: Run): number | null {
  return run.end === null ? null : dateEndsEverywhere(run.end) + HOUR_MS;
}

/**
 * The first run webhook due strictly after `after`, or null when none remains (or the board is
 * inactive or finished by an admin). Every run of a repeating board has its own started and
 * finished; the next run's started (10:00 UTC the day before it) comes before the previous run's
 * finished (13:00 UTC on its first day). A run's started whose time had passed when the board went
 * live is not returned: the activation decides about it.
 *
 * Looking at runs k0 - 1 .. k0 + 2 around the UTC date of `after` is enough: a run lasts at least a
 * day and its webhooks fall within 14 hours before its start and 37 hours after its end.
 */
export function nextDueWebhook(board: RunSettings & { status: AdminStatus }, after: number): DueWebhook | null {
  if (board.status === 'inactive' || board.status === 'finished') return null;
  const date = new Date(after).toISOString().slice(0, 10);
  const around =
    date < board.start ? runAt(board, 0) : runContaining(board, board.end !== null && date > board.end ? board.end : date);
  const k0 = (around as Run).index;
  let best: DueWebhook | null = null;
  for (let k = k0 - 1; k <= k0 + 2; k++) {
    const run = runAt(board, k);
    if (run === null) continue;
    const finished = finishedDueAt(run);
    const candidates: DueWebhook[] = [{ type: 'leaderboard.started', run, at: startedDueAt(run) }];
    if (finished !== null) candidates.push({ type: 'leaderboard.finished', run, at: finished });
    for (const candidate of candidates) {
      if (candidate.at > after && (best === null || candidate.at < best.at)) best = candidate;
    }
  }
  return best;
}
