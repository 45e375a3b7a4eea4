import type { Achievement, AchievementStatus, Frequency, Metric, Trigger } from '../../../api/config';
import { formatAmount } from '../../../ui/format';
import type { Tone } from '../../../ui/misc';

export const TRIGGERS: readonly { value: Trigger; label: string }[] = [
  { value: 'metric', label: 'Metric threshold' },
  { value: 'streak', label: 'Streak length' },
  { value: 'api', label: 'Completed through the API' },
  { value: 'achievement', label: 'Other achievements (composite)' },
  { value: 'anniversary', label: 'Anniversary of signing up' },
];

export const STATUS_LABEL: Record<AchievementStatus, string> = { inactive: 'Inactive', active: 'Active', locked: 'Locked' };
export const STATUS_TONE: Record<AchievementStatus, Tone> = { inactive: 'neutral', active: 'success', locked: 'warning' };

const PERIOD: Record<Frequency, [string, string]> = { daily: ['day', 'days'], weekly: ['week', 'weeks'], monthly: ['month', 'months'] };

export function periodWord(frequency: Frequency | undefined, count: number): string {
  if (!frequency) return count === 1 ? 'period' : 'periods';
  return PERIOD[frequency][count === 1 ? 0 : 1];
}

/** One line that says when the achievement completes: "Words written ≥ 1,000 words". */
export function describeRule(
  achievement: Pick<Achievement, 'trigger' | 'metricId' | 'metricName' | 'metricValue' | 'streakLength' | 'achievementIds' | 'anniversaryYears'>,
  metrics: ReadonlyMap<string, Metric>,
  achievements: ReadonlyMap<string, Achievement>,
  frequency: Frequency | undefined,
): string {
  switch (achievement.trigger) {
    case 'metric': {
      const metric = achievement.metricId ? metrics.get(achievement.metricId) : undefined;
      const name = metric?.name ?? achievement.metricName ?? 'Deleted metric';
      const value = achievement.metricValue ?? 0;
      return `${name} ≥ ${metric ? formatAmount(value, metric.unitType, metric.units) : value}`;
    }
    case 'streak': {
      const length = achievement.streakLength ?? 0;
      return `Streak of ${length} ${periodWord(frequency, length)}`;
    }
    case 'api':
      return 'Completed by your backend through the API';
    case 'achievement': {
      const names = (achievement.achievementIds ?? []).map((id) => achievements.get(id)?.name ?? 'a deleted achievement');
      return names.length === 1 ? `Holds ${names[0]}` : `Holds all of ${names.join(', ')}`;
    }
    case 'anniversary': {
      const years = achievement.anniversaryYears ?? 1;
      return `${years} ${years === 1 ? 'year' : 'years'} after signing up`;
    }
  }
}

/** Status moves the server allows: inactive → active, active ↔ locked. */
export function allowedStatuses(from: AchievementStatus | undefined): AchievementStatus[] {
  if (from === undefined) return ['inactive', 'active'];
  if (from === 'inactive') return ['inactive', 'active'];
  return ['active', 'locked'];
}
