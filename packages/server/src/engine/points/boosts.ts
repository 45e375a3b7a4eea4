import { attributesMatch } from '../achievements/qualify.js';
import { snap } from './snap.js';
import type { BoostRule, PointsUser, Rounding } from './types.js';

/**
 * The boosts that apply to a user's awards on local date `today`, in configuration order: enabled,
 * `today` inside the inclusive [start, end] window of the user's own calendar, and aimed at the
 * user: by id for a per-user boost, else by every user-attribute filter matching (none = global).
 */
export function boostsFor(boosts: readonly BoostRule[], user: PointsUser, today: string): BoostRule[] {
  return boosts.filter(
    (boost) =>
      boost.enabled &&
      boost.start <= today &&
      (boost.end === null || today <= boost.end) &&
      (boost.userId !== null ? boost.userId === user.id : attributesMatch(boost.userAttributes, user.attributes)),
  );
}

// The most conservative mode of a stack wins: rounding down gives the least, up the most.
const CONSERVATIVE_FIRST: readonly Rounding[] = ['down', 'nearest', 'up'];

/** The rounding of a stack of boosts: down beats nearest beats up; down when there are none. */
export function stackRounding(boosts: readonly Pick<BoostRule, 'rounding'>[]): Rounding {
  return CONSERVATIVE_FIRST.find((mode) => boosts.some((boost) => boost.rounding === mode)) ?? 'down';
}

/**
 * Points after boosts. Boosts apply to positive awards only (a deduction is never multiplied).
 * Multipliers multiply together (2 x 1.5 x 3 = 9x) and the product is rounded once, after the
 * multiplication, with the stack's rounding; nearest is ordinary rounding, halves up (2.5 -> 3).
 */
export function boostedPoints(points: number, boosts: readonly Pick<BoostRule, 'multiplier' | 'rounding'>[]): number {
  if (points <= 0 || boosts.length === 0) return points;
  const raw = snap(boosts.reduce((product, boost) => product * boost.multiplier, points));
  switch (stackRounding(boosts)) {
    case 'down':
      return Math.floor(raw);
    case 'up':
      return Math.ceil(raw);
    case 'nearest':
      return Math.round(raw);
  }
}
