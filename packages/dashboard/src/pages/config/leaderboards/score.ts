import type { Frequency, Metric } from '../../../api/config';
import type { VisibleLeaderboard } from '../../../api/leaderboards';
import { formatAmount, formatNumber } from '../../../ui/format';
import { periodWord } from '../achievements/describe';

/** A ranking's value in the board's own terms, from what the server says it ranks: "12 lessons", "340 XP", "9 days". */
export function scoreFormatter(
  board: Pick<VisibleLeaderboard, 'rankBy' | 'metricKey' | 'pointsSystemName'>,
  metrics: readonly Metric[] | undefined,
  frequency: Frequency | undefined,
): (value: number) => string {
  if (board.rankBy === 'streak') return (value) => `${formatNumber(value)} ${periodWord(frequency, value)}`;
  if (board.rankBy === 'points') return (value) => `${formatNumber(value)} ${board.pointsSystemName ?? 'points'}`;
  // The units are the metric's own (the board's answer names the metric, not its units).
  const metric = metrics?.find((candidate) => candidate.key === board.metricKey);
  return (value) => formatAmount(value, metric?.unitType, metric?.units);
}
