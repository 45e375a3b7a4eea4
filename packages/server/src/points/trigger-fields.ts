import type { PointsTriggerType } from '../store/schema.js';

export const triggerTypes = ['metric', 'achievement', 'streak', 'time', 'user_creation'] as const satisfies readonly PointsTriggerType[];

/** The fields that belong to one trigger type, and which of them it requires. */
const typeOf = {
  metricId: 'metric',
  metricThreshold: 'metric',
  eventAttributes: 'metric',
  streakLength: 'streak',
  achievementId: 'achievement',
  timeUnit: 'time',
  timeInterval: 'time',
} as const satisfies Record<string, PointsTriggerType>;

export type TypeField = keyof typeof typeOf;
export const typeFields = Object.keys(typeOf) as TypeField[];

const required: Record<PointsTriggerType, readonly TypeField[]> = {
  metric: ['metricId', 'metricThreshold'],
  streak: ['streakLength'],
  achievement: ['achievementId'],
  time: ['timeUnit', 'timeInterval'],
  user_creation: [],
};

// "an achievement", "a user_creation": by sound, not by letter.
const article = (type: PointsTriggerType) => (type === 'achievement' ? 'an' : 'a');

/**
 * What is wrong with the type-specific fields of a trigger of `type`: a field of another type
 * that is given (null counts as not given: it clears), and, when `checkRequired`, a field the
 * type needs that is missing. A metric trigger needs metricId and metricThreshold, a streak
 * trigger streakLength, an achievement trigger achievementId, a time trigger timeUnit and
 * timeInterval; a user_creation trigger has none.
 */
export function triggerFieldProblems(
  type: PointsTriggerType,
  fields: Partial<Record<TypeField, unknown>>,
  checkRequired: boolean,
): { field: TypeField; message: string }[] {
  const problems: { field: TypeField; message: string }[] = [];
  for (const field of typeFields) {
    const owner = typeOf[field];
    const value = fields[field];
    if (owner !== type && value !== undefined && value !== null) {
      problems.push({ field, message: `only ${article(owner)} ${owner} trigger has ${field}; this is ${article(type)} ${type} trigger` });
    }
  }
  if (checkRequired) {
    for (const field of required[type]) {
      if (fields[field] === undefined || fields[field] === null) problems.push({ field, message: `is required for ${article(type)} ${type} trigger` });
    }
  }
  return problems;
}
