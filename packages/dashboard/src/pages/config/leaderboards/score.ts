import type { Frequency, Metric } from '../../../api/config';
import type { Leaderboard } from '../../../api/leaderboards';
import type { PointsSystem } from '../../../api/points';
import { formatAmount, formatNumber } from '../../../ui/format';
import { periodWord } from '../achievements/describe';

/** A ranking's value in the board's own terms: "12 lessons", "340 XP", "9 days". */
export function scoreFormatter(
  board: Pick<Leaderboard, 'rankBy' | 'metricId' | 'pointsSystemId'>,
  metrics: ReadonlyMap<string, Metric>,
  systems: ReadonlyMap<string, PointsSystem>,
  frequency: Frequency | undefined,
): (value: number) => string {
  if (board.rankBy === 'streak') return (value) => `${formatNumber(value)} ${periodWord(frequency, value)}`;
  if (board.rankBy === 'points') {
    const system = board.pointsSystemId ? systems.get(board.pointsSystemId) : undefined;
    return (value) => `${formatNumber(value)} ${system?.name ?? 'points'}`;
  }
  const metric = board.metricId ? metrics.get(board.metricId) : undefined;
  return (value) => formatAmount(value, metric?.unitType, metric?.units);
}
