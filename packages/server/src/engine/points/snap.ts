/**
 * Removes binary floating-point noise before a floor or ceiling: 100 x 1.15 is 114.99999999999999
 * and 10 x 1.1 is 11.000000000000002, which must count as 115 and 11. A double holds 15
 * significant decimal digits exactly, so rounding to 15 drops only the noise, at any magnitude.
 */
export function snap(value: number): number {
  return Number(value.toPrecision(15));
}
