import type { Selectable } from 'kysely';
import type { TriggerRule } from '../engine/points/index.js';
import type { PointsTrigger } from '../events/payloads.js';
import type { PointsTriggerTable } from '../store/schema.js';
import { parseFilters, toAdminFilters, toKeyValues, type AttributeFilterInput } from './attribute-filters.js';

export type PointsTriggerRow = Selectable<PointsTriggerTable>;

/** A trigger as the Admin API shows it (Trophy's AdminPointsTrigger): type-specific fields only for their type. */
export interface AdminPointsTrigger {
  id: string;
  type: PointsTriggerRow['type'];
  points: number;
  status: 'active' | 'inactive';
  userAttributes: AttributeFilterInput[];
  metricId?: string;
  metricThreshold?: number;
  eventAttributes?: AttributeFilterInput[];
  achievementId?: string;
  streakLength?: number;
  timeUnit?: 'hours' | 'days';
  timeInterval?: number;
  blockIfOutOfPoints: boolean;
}

/** The Admin API's spelling of a time unit. */
export const adminTimeUnit = { hour: 'hours', day: 'days' } as const;

export function toAdminTrigger(row: PointsTriggerRow): AdminPointsTrigger {
  const view: AdminPointsTrigger = {
    id: row.id,
    type: row.type,
    points: row.points,
    // Archived (deleted) triggers are not shown by the Admin API.
    status: row.status === 'active' ? 'active' : 'inactive',
    userAttributes: toAdminFilters(parseFilters(row.user_attributes)),
    blockIfOutOfPoints: row.block_if_out_of_points === 1,
  };
  if (row.type === 'metric') {
    if (row.metric_id !== null) view.metricId = row.metric_id;
    if (row.metric_threshold !== null) view.metricThreshold = row.metric_threshold;
    view.eventAttributes = toAdminFilters(parseFilters(row.event_attributes));
  }
  if (row.type === 'achievement' && row.achievement_id !== null) view.achievementId = row.achievement_id;
  if (row.type === 'streak' && row.streak_length !== null) view.streakLength = row.streak_length;
  if (row.type === 'time') {
    if (row.time_unit !== null) view.timeUnit = adminTimeUnit[row.time_unit];
    if (row.time_interval !== null) view.timeInterval = row.time_interval;
  }
  return view;
}

/** Names the Application API shows beside ids. */
export interface ReferenceNames {
  metricName(id: string): string | undefined;
  achievementName(id: string): string | undefined;
}

/**
 * Trophy's PointsTrigger (Application API, award records): `streakLengthThreshold` for the
 * streak length, `hour`/`day`, attribute filters by key, the deprecated single `eventAttribute`
 * when a metric trigger has exactly one filter.
 */
export function toPointsTrigger(row: PointsTriggerRow, names: ReferenceNames): PointsTrigger {
  const view: PointsTrigger = {
    id: row.id,
    type: row.type,
    points: row.points,
    status: row.status,
    userAttributes: toKeyValues(parseFilters(row.user_attributes)),
    created: new Date(row.created_at).toISOString(),
    updated: new Date(row.updated_at).toISOString(),
  };
  if (row.type === 'metric') {
    if (row.metric_id !== null) {
      view.metricId = row.metric_id;
      const name = names.metricName(row.metric_id);
      if (name !== undefined) view.metricName = name;
    }
    if (row.metric_threshold !== null) view.metricThreshold = row.metric_threshold;
    const eventAttributes = toKeyValues(parseFilters(row.event_attributes));
    view.eventAttributes = eventAttributes;
    if (eventAttributes.length === 1) view.eventAttribute = eventAttributes[0]!;
  }
  if (row.type === 'achievement' && row.achievement_id !== null) {
    view.achievementId = row.achievement_id;
    const name = names.achievementName(row.achievement_id);
    if (name !== undefined) view.achievementName = name;
  }
  if (row.type === 'streak' && row.streak_length !== null) view.streakLengthThreshold = row.streak_length;
  if (row.type === 'time') {
    if (row.time_unit !== null) view.timeUnit = row.time_unit;
    if (row.time_interval !== null) view.timeInterval = row.time_interval;
  }
  return view;
}

/**
 * The trigger as the rules take it; undefined for one that can never fire: archived, or whose
 * metric or achievement was deleted.
 */
export function toTriggerRule(row: PointsTriggerRow): TriggerRule | undefined {
  if (row.status === 'archived') return undefined;
  const base = {
    id: row.id,
    points: row.points,
    status: row.status,
    userAttributes: toKeyValues(parseFilters(row.user_attributes)),
    blockIfOutOfPoints: row.block_if_out_of_points === 1,
  };
  switch (row.type) {
    case 'metric':
      if (row.metric_id === null || row.metric_threshold === null) return undefined;
      return { ...base, type: 'metric', metricId: row.metric_id, metricThreshold: row.metric_threshold, eventAttributes: toKeyValues(parseFilters(row.event_attributes)) };
    case 'streak':
      return row.streak_length === null ? undefined : { ...base, type: 'streak', streakLength: row.streak_length };
    case 'achievement':
      return row.achievement_id === null ? undefined : { ...base, type: 'achievement', achievementId: row.achievement_id };
    case 'time':
      return row.time_unit === null || row.time_interval === null ? undefined : { ...base, type: 'time', timeUnit: row.time_unit, timeInterval: row.time_interval };
    case 'user_creation':
      return { ...base, type: 'user_creation' };
  }
}
