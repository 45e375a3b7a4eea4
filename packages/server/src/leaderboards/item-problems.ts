import { validateLeaderboard } from '../engine/leaderboards/index.js';
import type { LeaderboardRow } from '../store/schema.js';
import { ruleConfig, type LeaderboardFields } from './leaderboard-input.js';
import { referenceErrors, type References } from './leaderboard-references.js';

/** A request refused whole, nothing written: one line per broken rule, naming the item and the field. */
export interface Refusal {
  refused: string[];
}

/**
 * Every rule item `index` breaks, as `body[index].field: message`: the engine's rules for the
 * board it would make (validateLeaderboard: combinations, dates, and what may change in the
 * board's status), then the ids it names that do not exist.
 */
export function itemProblems(
  index: number,
  next: LeaderboardRow,
  previous: LeaderboardRow | null,
  fields: LeaderboardFields,
  references: References,
  now: number,
): string[] {
  const ruleErrors = validateLeaderboard(ruleConfig(next), previous === null ? null : ruleConfig(previous), now);
  const blamed = new Set(ruleErrors.map((error) => error.field));
  return [...ruleErrors, ...referenceErrors(fields, references, blamed)].map((error) => `body[${index}].${error.field}: ${error.message}`);
}
