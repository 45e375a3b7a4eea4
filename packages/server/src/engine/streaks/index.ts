export type {
  DateRange,
  EvaluationMode,
  FreezeSettings,
  Period,
  PeriodRecord,
  StreakChange,
  StreakCondition,
  StreakFrequency,
  StreakSettings,
  StreakState,
} from './types.js';
export {
  addDays,
  isDayOff,
  isValidTimeZone,
  localDate,
  nextPeriod,
  periodContaining,
  periodsBetween,
  previousPeriod,
  startOfLocalDay,
  weekday,
} from './calendar.js';
export { conditionsMet } from './conditions.js';
export { autoEarn, initialState } from './freezes.js';
export { advance, type AdvanceInput, type AdvanceResult } from './advance.js';
export { recordActivity, type ActivityInput, type ActivityResult } from './activity.js';
export { describe, expires, type BaseStreakView } from './describe.js';
export { nextWake } from './next-wake.js';
export { restore, restoreWindowStart, type RestoreInput } from './restore.js';
