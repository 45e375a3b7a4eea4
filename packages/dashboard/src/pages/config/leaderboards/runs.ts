import type { Leaderboard } from '../../../api/leaderboards';

/**
 * A board's runs on local dates, by the server's rules (packages/server/src/engine/leaderboards/runs.ts,
 * docs/engine.md "Runs"), so the page can offer every run to read: the API takes any date inside
 * a run but does not list them. Run k starts at start + k x runInterval runUnits; months and years
 * are counted from the start, a day the month lacks clamped to its last day; the last run is cut
 * at the end. A perpetual board has one run.
 */
export interface Run {
  index: number;
  start: string;
  /** Inclusive; null: a perpetual board without an end. */
  end: string | null;
}

type Settings = Pick<Leaderboard, 'start' | 'end' | 'runUnit' | 'runInterval'>;

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const fromDayNumber = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const addDays = (date: string, days: number) => fromDayNumber(dayNumber(date) + days);

function addMonths(date: string, n: number): string {
  const months = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + n;
  const year = Math.floor(months / 12);
  const month0 = months - year * 12;
  const day = Math.min(Number(date.slice(8, 10)), new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate());
  return `${String(year).padStart(4, '0')}-${String(month0 + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function nominalStart(board: Settings, k: number): string {
  const interval = board.runInterval ?? 1;
  if (board.runUnit === 'day') return addDays(board.start, k * interval);
  if (board.runUnit === 'month') return addMonths(board.start, k * interval);
  if (board.runUnit === 'year') return addMonths(board.start, 12 * k * interval);
  return board.start;
}

function runAt(board: Settings, k: number): Run | null {
  const end = board.end ?? null;
  if (k < 0 || (!board.runUnit && k > 0)) return null;
  const start = nominalStart(board, k);
  if (end !== null && start > end) return null;
  if (!board.runUnit) return { index: 0, start, end };
  const last = addDays(nominalStart(board, k + 1), -1);
  return { index: k, start, end: end !== null && end < last ? end : last };
}

/** The run containing `date`, clamped to the first run before the start and the last after the end. */
function runOn(board: Settings, date: string): Run {
  if (date < board.start || !board.runUnit) return runAt(board, 0)!;
  const day = board.end && date > board.end ? board.end : date;
  const interval = board.runInterval ?? 1;
  let k: number;
  if (board.runUnit === 'day') k = Math.floor((dayNumber(day) - dayNumber(board.start)) / interval);
  else {
    const unitMonths = board.runUnit === 'year' ? 12 * interval : interval;
    const months = (Number(day.slice(0, 4)) - Number(board.start.slice(0, 4))) * 12 + Number(day.slice(5, 7)) - Number(board.start.slice(5, 7));
    k = Math.floor(months / unitMonths);
    if (nominalStart(board, k) > day) k -= 1;
  }
  return runAt(board, k)!;
}

/** The run under way on `today` (the first before the start, the last after the end) and up to `limit` earlier ones, newest first. */
export function runsUpTo(board: Settings, today: string, limit: number): Run[] {
  const runs: Run[] = [];
  for (let k = runOn(board, today).index; k >= 0 && runs.length < limit; k--) runs.push(runAt(board, k)!);
  return runs;
}

/** Today's date in UTC: the run the API reads when none is named. */
export function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}
