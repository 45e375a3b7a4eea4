import type { Achievement, Attribute, Frequency, KeyValue, Metric } from '../../../api/config';
import type { AttributeFilter, BoostStatus, PointsBoost, PointsTrigger, Rounding, TriggerType } from '../../../api/points';
import { formatAmount, formatLocalDate, formatNumber } from '../../../ui/format';
import type { Tone } from '../../../ui/misc';
import { periodWord } from '../achievements/describe';

export const TRIGGER_TYPE_LABEL: Record<TriggerType, string> = {
  metric: 'Metric',
  streak: 'Streak',
  achievement: 'Achievement',
  time: 'Time',
  user_creation: 'New user',
};

export const TRIGGER_TYPE_OPTIONS: readonly { value: TriggerType; label: string }[] = [
  { value: 'metric', label: 'Metric: per amount of a metric' },
  { value: 'streak', label: 'Streak: each time the streak reaches a multiple' },
  { value: 'achievement', label: 'Achievement: on completing one' },
  { value: 'time', label: 'Time: every few hours or days' },
  { value: 'user_creation', label: 'New user: once, when the user is created' },
];

export const BOOST_STATUS_TONE: Record<BoostStatus, Tone> = { scheduled: 'info', active: 'success', finished: 'neutral' };
export const BOOST_STATUS_LABEL: Record<BoostStatus, string> = { scheduled: 'Scheduled', active: 'Active', finished: 'Finished' };

export const ROUNDING_OPTIONS: readonly { value: Rounding; label: string }[] = [
  { value: 'down', label: 'Down (7.5 → 7)' },
  { value: 'nearest', label: 'Nearest (7.5 → 8, 7.4 → 7)' },
  { value: 'up', label: 'Up (7.1 → 8)' },
];

/** "+10 points", "−1 point": the sign says whether it awards or deducts. */
export function signedPoints(points: number): string {
  const size = formatNumber(Math.abs(points));
  return `${points < 0 ? '−' : '+'}${size} ${Math.abs(points) === 1 ? 'point' : 'points'}`;
}

/** When a trigger fires, in one line: "for every 3 lessons of Lessons completed". */
export function describeTrigger(
  trigger: PointsTrigger,
  metrics: ReadonlyMap<string, Metric>,
  achievements: ReadonlyMap<string, Achievement>,
  frequency: Frequency | undefined,
): string {
  switch (trigger.type) {
    case 'metric': {
      const metric = trigger.metricId ? metrics.get(trigger.metricId) : undefined;
      const threshold = trigger.metricThreshold ?? 1;
      if (!metric) return `for every ${formatNumber(threshold)} of a deleted metric (never fires)`;
      return `for every ${formatAmount(threshold, metric.unitType === 'currency' ? 'currency' : 'number', metric.units)} of ${metric.name}`;
    }
    case 'streak': {
      const length = trigger.streakLength ?? 1;
      return `each time the streak reaches a multiple of ${formatNumber(length)} ${periodWord(frequency, length)}`;
    }
    case 'achievement': {
      const achievement = trigger.achievementId ? achievements.get(trigger.achievementId) : undefined;
      return achievement ? `on completing ${achievement.name}` : 'on completing a deleted achievement (never fires)';
    }
    case 'time': {
      const interval = trigger.timeInterval ?? 1;
      const unit = trigger.timeUnit === 'hours' ? (interval === 1 ? 'hour' : 'hours') : interval === 1 ? 'day' : 'days';
      return interval === 1 ? `every ${unit}` : `every ${formatNumber(interval)} ${unit}`;
    }
    case 'user_creation':
      return 'once, when the user is created';
  }
}

/** "28 Nov 2026 – 29 Nov 2026", "from 1 Dec 2026, no end". */
export function describeDates(start: string, end: string | null | undefined): string {
  return end ? `${formatLocalDate(start)} – ${formatLocalDate(end)}` : `from ${formatLocalDate(start)}, no end`;
}

/** "×2, rounded down". */
export function describeMultiplier(boost: Pick<PointsBoost, 'multiplier' | 'rounding'>): string {
  return `×${formatNumber(boost.multiplier)}, rounded ${boost.rounding}`;
}

/** The API's filters by attribute id, as the filter editor shows them: by key. An id no attribute has any more stays as it is. */
export function filtersByKey(filters: readonly AttributeFilter[] | undefined, attributes: readonly Attribute[]): KeyValue[] {
  const byId = new Map(attributes.map((attribute) => [attribute.id, attribute.key]));
  return (filters ?? []).map((filter) => ({ key: byId.get(filter.attributeId) ?? filter.attributeId, value: filter.attributeValue }));
}

/** Back to the API's shape: a key of a declared attribute of this type becomes its id; anything else was an id already. */
export function filtersById(rows: readonly KeyValue[], attributes: readonly Attribute[], type: Attribute['type']): AttributeFilter[] {
  const byKey = new Map(attributes.filter((attribute) => attribute.type === type).map((attribute) => [attribute.key, attribute.id]));
  return rows.map((row) => ({ attributeId: byKey.get(row.key) ?? row.key, attributeValue: row.value }));
}
