import { attributesMatch } from '../achievements/qualify.js';
import type { AchievementTriggerRule, PointsUser, StreakTriggerRule, TriggerRule } from './types.js';

/**
 * Whether a trigger may fire for this user at all: only active triggers fire, and only for users
 * whose attributes match every one of its user-attribute filters (no filters match everyone).
 */
export function triggerApplies(trigger: TriggerRule, user: PointsUser): boolean {
  return trigger.status === 'active' && attributesMatch(trigger.userAttributes, user.attributes);
}

/**
 * A streak trigger fires each time the streak's length reaches a positive multiple of its
 * streakLength ("50 points for every 7-day streak": at 7, 14, 21 ...). A streak that was lost and
 * starts over earns again when it gets back to 7. `reached` is the length a write has just taken
 * the streak to (it started or was extended); a write that did not lengthen the streak has none.
 */
export function streakTriggerFires(trigger: StreakTriggerRule, reached: number): boolean {
  return reached > 0 && trigger.streakLength > 0 && reached % trigger.streakLength === 0;
}

/** An achievement trigger fires when the user completes that achievement (which happens once). */
export function achievementTriggerFires(trigger: AchievementTriggerRule, completedIds: readonly string[]): boolean {
  return completedIds.includes(trigger.achievementId);
}
