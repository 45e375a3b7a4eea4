/** How an achievement is completed and whether it takes completions: the rules below decide by them, storage keeps them. */
export type AchievementTriggerKind = 'metric' | 'streak' | 'api' | 'achievement' | 'anniversary';
export type AchievementStatus = 'inactive' | 'active' | 'locked';

export interface KeyValue {
  key: string;
  value: string;
}

/** An achievement as the rules see it. */
export interface AchievementRule {
  id: string;
  trigger: AchievementTriggerKind;
  status: AchievementStatus;
  metricId: string | null;
  metricValue: number | null;
  streakLength: number | null;
  /** Whole years after the user's sign-up date (anniversary trigger). */
  anniversaryYears?: number | null;
  prerequisiteIds: readonly string[];
  userAttributes: readonly KeyValue[];
  eventAttributes: readonly KeyValue[];
}

/** What a user has done, as far as achievements care. */
export interface UserProgress {
  attributes: Readonly<Record<string, string>>;
  /** Metric id -> the user's total. */
  metricTotals: ReadonlyMap<string, number>;
  /** Achievement id -> sum of the events matching its event-attribute filters (filtered metric achievements only). */
  filteredTotals: ReadonlyMap<string, number>;
  streakLength: number;
  /**
   * Whole years since the user's sign-up date, as of their today (anniversary achievements);
   * absent where the caller does not judge anniversaries (they fire from their scheduled job).
   */
  yearsSinceSignUp?: number;
  completed: ReadonlySet<string>;
}

/** Every listed filter must match; no filters match everything. */
export function attributesMatch(filters: readonly KeyValue[], attributes: Readonly<Record<string, string>>): boolean {
  return filters.every((filter) => attributes[filter.key] === filter.value);
}

/** Whether the rule's own condition holds (ignoring status, filters on the user and completion). */
function conditionHolds(rule: AchievementRule, progress: UserProgress, completed: ReadonlySet<string>): boolean {
  switch (rule.trigger) {
    case 'metric': {
      if (rule.metricId === null || rule.metricValue === null) return false;
      const total = rule.eventAttributes.length > 0 ? (progress.filteredTotals.get(rule.id) ?? 0) : (progress.metricTotals.get(rule.metricId) ?? 0);
      return total >= rule.metricValue;
    }
    case 'streak':
      return rule.streakLength !== null && progress.streakLength >= rule.streakLength;
    case 'achievement':
      return rule.prerequisiteIds.length > 0 && rule.prerequisiteIds.every((id) => completed.has(id));
    case 'anniversary':
      return rule.anniversaryYears != null && progress.yearsSinceSignUp !== undefined && progress.yearsSinceSignUp >= rule.anniversaryYears;
    case 'api':
      return false; // only POST /achievements/{key}/complete completes these
  }
}

/**
 * Active achievements the user now qualifies for and hasn't completed, in completion order:
 * composites follow their prerequisites, so completing one can cascade within the same call.
 */
export function newlyCompleted(rules: readonly AchievementRule[], progress: UserProgress): string[] {
  const completed = new Set(progress.completed);
  const result: string[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const rule of rules) {
      if (rule.status !== 'active' || completed.has(rule.id)) continue;
      if (!attributesMatch(rule.userAttributes, progress.attributes)) continue;
      if (!conditionHolds(rule, progress, completed)) continue;
      completed.add(rule.id);
      result.push(rule.id);
      changed = true;
    }
  }
  return result;
}

/** Whether adding `candidate` (with these prerequisites) would make a composite depend on itself. */
export function createsCycle(candidateId: string, prerequisiteIds: readonly string[], prerequisitesOf: (id: string) => readonly string[]): boolean {
  const seen = new Set<string>();
  const stack = [...prerequisiteIds];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === candidateId) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...prerequisitesOf(id));
  }
  return false;
}
