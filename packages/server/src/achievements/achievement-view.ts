import type { AchievementResponse, KeyValue, UserAchievementResponse } from '../events/payloads.js';
import type { AchievementRule } from '../engine/achievements/qualify.js';
import type { AchievementRow } from '../store/schema.js';

/** The rule inside a stored achievement. */
export function toRule(row: AchievementRow): AchievementRule {
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    metricId: row.metric_id,
    metricValue: row.metric_value,
    streakLength: row.streak_length,
    ...(row.trigger === 'anniversary' ? { anniversaryYears: row.anniversary_years } : {}),
    prerequisiteIds: JSON.parse(row.prerequisite_ids) as string[],
    userAttributes: JSON.parse(row.user_attributes) as KeyValue[],
    eventAttributes: JSON.parse(row.event_attributes) as KeyValue[],
  };
}

/**
 * Trophy's AchievementResponse: trigger-specific fields appear only for their trigger, and the
 * deprecated single `eventAttribute` only when there is exactly one filter.
 */
export function toAchievementResponse(row: AchievementRow, metricName: string | undefined): AchievementResponse {
  const rule = toRule(row);
  const response: AchievementResponse = {
    id: row.id,
    name: row.name,
    trigger: row.trigger,
    description: row.description,
    badgeUrl: row.badge_url,
    key: row.key,
    userAttributes: [...rule.userAttributes],
  };
  if (row.trigger === 'metric') {
    if (row.metric_id !== null) response.metricId = row.metric_id;
    if (row.metric_value !== null) response.metricValue = row.metric_value;
    if (metricName !== undefined) response.metricName = metricName;
    response.eventAttributes = [...rule.eventAttributes];
    if (rule.eventAttributes.length === 1) response.eventAttribute = rule.eventAttributes[0]!;
  }
  if (row.trigger === 'streak' && row.streak_length !== null) response.streakLength = row.streak_length;
  if (row.trigger === 'anniversary' && row.anniversary_years !== null) response.anniversaryYears = row.anniversary_years;
  if (row.trigger === 'achievement') response.achievementIds = [...rule.prerequisiteIds];
  return response;
}

export function toUserAchievementResponse(row: AchievementRow, metricName: string | undefined, achievedAt: number | null): UserAchievementResponse {
  return { ...toAchievementResponse(row, metricName), achievedAt: achievedAt === null ? null : new Date(achievedAt).toISOString() };
}
