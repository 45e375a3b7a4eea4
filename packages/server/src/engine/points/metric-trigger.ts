import { attributesMatch } from '../achievements/qualify.js';
import { snap } from './snap.js';
import type { MetricTriggerProgress, MetricTriggerRule } from './types.js';

export interface MetricEventFact {
  metricId: string;
  /** May be negative (a correction) or 0. */
  value: number;
  attributes: Readonly<Record<string, string>>;
}

export const noProgress: MetricTriggerProgress = { progress: 0, highWater: 0, firings: 0 };

/** Whether an event counts towards a metric trigger: the trigger's metric, every event-attribute filter matching. */
export function metricTriggerMatches(trigger: MetricTriggerRule, event: MetricEventFact): boolean {
  return trigger.metricId === event.metricId && attributesMatch(trigger.eventAttributes, event.attributes);
}

/**
 * Counts a matching event towards a metric trigger: the trigger fires once for every
 * `metricThreshold` units of matching progress ("10 points per 3 tasks").
 *
 * A high-water mark keeps negative events from re-earning: progress goes down with them, the mark
 * does not, and the trigger has fired floor(highWater / threshold) times in all. So +3, -3, +3 with
 * threshold 3 fires once: the second +3 only climbs back to the mark. Should the threshold change,
 * the new one applies to the mark from the next event on; a higher one fires nothing until the
 * mark catches up with the firings already made (never negative).
 */
export function countMetricEvent(
  trigger: MetricTriggerRule,
  before: MetricTriggerProgress,
  value: number,
): { progress: MetricTriggerProgress; fired: number } {
  const progress = snap(before.progress + value);
  const highWater = Math.max(before.highWater, progress);
  const due = Math.floor(snap(highWater / trigger.metricThreshold));
  const fired = Math.max(0, due - before.firings);
  return { progress: { progress, highWater, firings: before.firings + fired }, fired };
}
