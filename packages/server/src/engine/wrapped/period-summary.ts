import { bestRanking } from './best-ranking.js';
import { contains } from './calendar.js';
import { percentChange } from './figures.js';
import type { DateRange, WrappedBoard, WrappedMetric, WrappedMetricDefinition, WrappedPeriod, WrappedPoints, WrappedPriorSum } from './types.js';

/** An event or award with the user's local date of it. */
export interface Dated<T> {
  date: string;
  item: T;
}

export interface SummaryInput<A, L> {
  metrics: readonly WrappedMetricDefinition[];
  priorSums: readonly WrappedPriorSum[];
  events: readonly Dated<{ metricId: string; value: number; attributes: Readonly<Record<string, string>> }>[];
  points: readonly { key: string; name: string; description: string | null; totalBefore: number; awards: readonly Dated<{ awarded: number; total: number }>[] }[];
  achievements: readonly Dated<A>[];
  leaderboards: readonly WrappedBoard<L>[];
}

/**
 * A period's metrics, points, achievements and best rankings. `currentTotal` is the total at the
 * period's end (Trophy's example: a day's and a week's totals are smaller than the year's), and
 * `changeThisPeriod` what the period added. Every active metric and points system is listed, with
 * 0 when nothing changed; achievements are those completed in the period, oldest first; boards
 * only where the user held a place in the period. Percentiles come later (withPercentiles).
 */
export function summarisePeriod<A, L>(input: SummaryInput<A, L>, range: DateRange): WrappedPeriod<A, L> {
  const metrics: Record<string, WrappedMetric> = {};
  for (const metric of input.metrics) metrics[metric.key] = metricFigures(input, metric, range);

  const points: Record<string, WrappedPoints> = {};
  for (const system of input.points) {
    let currentTotal = system.totalBefore;
    let change = 0;
    for (const { date, item } of system.awards) {
      if (date > range.end) break;
      currentTotal = item.total;
      if (date >= range.start) change += item.awarded;
    }
    points[system.key] = { name: system.name, description: system.description, currentTotal, changeThisPeriod: change, percentChange: percentChange(currentTotal, change) };
  }

  const leaderboards: WrappedPeriod<A, L>['leaderboards'] = {};
  for (const board of input.leaderboards) {
    const best = bestRanking(board.standings, range);
    if (best) leaderboards[board.key] = { ...board.view, start: best.runStart, end: best.runEnd, rank: best.rank, value: best.value };
  }

  return {
    metrics,
    points,
    achievements: input.achievements.filter(({ date }) => contains(range, date)).map(({ item }) => item),
    leaderboards,
  };
}

function metricFigures(input: SummaryInput<unknown, unknown>, metric: WrappedMetricDefinition, range: DateRange): WrappedMetric {
  let total = 0;
  let change = 0;
  // attribute key -> value -> [total, change]
  const byAttribute = new Map<string, Map<string, [number, number]>>();
  const add = (attributes: Readonly<Record<string, string>>, value: number, inPeriod: boolean): void => {
    for (const [key, attributeValue] of Object.entries(attributes)) {
      let values = byAttribute.get(key);
      if (!values) byAttribute.set(key, (values = new Map()));
      const sums = values.get(attributeValue) ?? [0, 0];
      sums[0] += value;
      if (inPeriod) sums[1] += value;
      values.set(attributeValue, sums);
    }
  };
  for (const prior of input.priorSums) {
    if (prior.metricId !== metric.id) continue;
    total += prior.sum;
    add(prior.attributes, prior.sum, false);
  }
  for (const { date, item } of input.events) {
    if (item.metricId !== metric.id || date > range.end) continue;
    const inPeriod = date >= range.start;
    total += item.value;
    if (inPeriod) change += item.value;
    add(item.attributes, item.value, inPeriod);
  }

  const figures = (currentTotal: number, changeThisPeriod: number) => ({
    name: metric.name,
    units: metric.units,
    currentTotal,
    changeThisPeriod,
    percentChange: percentChange(currentTotal, changeThisPeriod),
  });
  const attributes: WrappedMetric['byAttribute'] = {};
  for (const [key, values] of [...byAttribute].sort(([a], [b]) => (a < b ? -1 : 1))) {
    attributes[key] = {};
    for (const [value, [valueTotal, valueChange]] of [...values].sort(([a], [b]) => (a < b ? -1 : 1))) attributes[key][value] = figures(valueTotal, valueChange);
  }
  return { ...figures(total, change), byAttribute: attributes };
}
