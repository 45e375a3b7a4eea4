/** What an award did to a total. */
export interface AppliedAward {
  total: number;
  /** The change actually made; 0 when the clamp swallowed it all (then nothing is recorded). */
  applied: number;
}

/**
 * Adds an award to an integer total kept in [0, maxPoints] (maxPoints null = no cap), and says how
 * much was actually applied: 95 + 10 with a cap of 100 applies 5; 3 - 10 applies -3.
 * A gain never lowers a total and a loss never raises one, so a total already above a cap that was
 * lowered later stays where it is until a loss brings it down.
 */
export function applyAward(total: number, amount: number, maxPoints: number | null): AppliedAward {
  let next = total + amount;
  if (amount > 0 && maxPoints !== null) next = Math.min(next, Math.max(total, maxPoints));
  if (amount < 0) next = Math.max(next, Math.min(total, 0));
  return { total: next, applied: next - total };
}

/**
 * `blockIfOutOfPoints`: a deduction that would take the total below 0 is refused rather than
 * clamped. The caller rejects the whole metric event (400) and writes nothing.
 */
export function blocksDeduction(total: number, amount: number): boolean {
  return amount < 0 && total + amount < 0;
}
