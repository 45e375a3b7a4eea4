export type {
  AchievementTriggerRule,
  Award,
  BoostRule,
  BoostStatus,
  LevelChange,
  LevelRule,
  MetricTriggerProgress,
  MetricTriggerRule,
  PointsSystemRules,
  PointsUser,
  Rounding,
  StreakTriggerRule,
  TimeTriggerRule,
  TimeUnit,
  TriggerRule,
  TriggerStatus,
  UserCreationTriggerRule,
  UserPointsState,
} from './types.js';
export { achievementTriggerFires, streakTriggerFires, triggerApplies } from './triggers.js';
export { countMetricEvent, metricTriggerMatches, noProgress, type MetricEventFact } from './metric-trigger.js';
export { dueTimes, timeAnchor, type DueTimes, type TimeSchedule } from './time-trigger.js';
export { boostedPoints, boostsFor, stackRounding } from './boosts.js';
export { boostStatusAt, boostStatusOn, boostWebhookTimes, boostWindow, type BoostWebhookTimes, type BoostWindow } from './boost-schedule.js';
export { applyAward, blocksDeduction, type AppliedAward } from './apply-award.js';
export { compareLevels, levelChange, levelFor } from './levels.js';
export { pointsSummary, summaryBucket, summaryCeiling, summaryRanges, type PointsRange } from './summary.js';
export { mergePointsChanged, type PointsChangedShape } from './points-changed.js';
export { awardPoints, initialPointsState, type PointsInput, type PointsOutcome, type TimeTick } from './award-points.js';
