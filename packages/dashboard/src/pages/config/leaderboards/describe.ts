import type { Leaderboard, LeaderboardStatus, RankBy, RunUnit } from '../../../api/leaderboards';
import { formatLocalDate, formatNumber } from '../../../ui/format';
import type { Tone } from '../../../ui/misc';

export const STATUS_LABEL: Record<LeaderboardStatus, string> = { inactive: 'Inactive', scheduled: 'Scheduled', active: 'Active', finished: 'Finished' };
export const STATUS_TONE: Record<LeaderboardStatus, Tone> = { inactive: 'neutral', scheduled: 'info', active: 'success', finished: 'warning' };

export const RANK_BY_OPTIONS: readonly { value: RankBy; label: string }[] = [
  { value: 'metric', label: 'Metric total' },
  { value: 'points', label: 'Points earned' },
  { value: 'streak', label: 'Streak length' },
];

export const RANK_BY_HINT: Record<RankBy, string> = {
  metric: "A user's total of the metric's events in the run.",
  points: 'The points a user earned in the run.',
  streak: "A user's current streak.",
};

/** The common run lengths by name, and anything else as "custom". */
export const RUN_PRESETS = {
  perpetual: { label: 'One run (never restarts)', unit: null, interval: null },
  daily: { label: 'Daily', unit: 'day', interval: 1 },
  weekly: { label: 'Weekly (7 days)', unit: 'day', interval: 7 },
  monthly: { label: 'Monthly', unit: 'month', interval: 1 },
  yearly: { label: 'Yearly', unit: 'year', interval: 1 },
  custom: { label: 'Custom', unit: null, interval: null },
} as const satisfies Record<string, { label: string; unit: RunUnit | null; interval: number | null }>;
export type RunPreset = keyof typeof RUN_PRESETS;

export function presetOf(unit: RunUnit | undefined, interval: number | undefined): RunPreset {
  if (!unit) return 'perpetual';
  const found = (Object.keys(RUN_PRESETS) as RunPreset[]).find((preset) => RUN_PRESETS[preset].unit === unit && RUN_PRESETS[preset].interval === interval);
  return found ?? 'custom';
}

const UNIT_WORDS: Record<RunUnit, [string, string]> = { day: ['day', 'days'], month: ['month', 'months'], year: ['year', 'years'] };

/** "Weekly runs", "Runs of 3 months", "One run". */
export function describeRuns(board: Pick<Leaderboard, 'runUnit' | 'runInterval'>): string {
  const preset = presetOf(board.runUnit, board.runInterval);
  if (preset === 'perpetual') return 'One run';
  if (preset !== 'custom') return `${RUN_PRESETS[preset].label.replace(/ \(.*\)$/, '')} runs`;
  const interval = board.runInterval ?? 1;
  return `Runs of ${formatNumber(interval)} ${UNIT_WORDS[board.runUnit!][interval === 1 ? 0 : 1]}`;
}

/** "From 23 Nov 2026", "23 Nov 2026 – 31 Dec 2026". */
export function describeSpan(board: Pick<Leaderboard, 'start' | 'end'>): string {
  return board.end ? `${formatLocalDate(board.start)} – ${formatLocalDate(board.end)}` : `From ${formatLocalDate(board.start)}`;
}

/** "Counts 09:00 to 17:00 (local time)", or nothing for a board that counts all day. */
export function describeWindow(board: Pick<Leaderboard, 'startTime' | 'endTime'>): string | undefined {
  if (!board.startTime && !board.endTime) return undefined;
  return `Counts ${board.startTime ?? '00:00'} to ${board.endTime ?? 'midnight'}, local time`;
}
