/**
 * The numbers of a Wrapped period. Trophy's examples show one decimal, cut rather than rounded
 * (2000 more on 3000 is 66.6, 1200 on 3800 is 31.5), so both percentages are truncated to tenths.
 */

const tenths = (x: number): number => Math.trunc(Math.round(x * 1e6) / 1e5) / 10;

/**
 * `change` as a percentage of the total before the period (`total - change`). From 0 there is no
 * ratio: Trophy's example of a first year shows 100 (the whole total is new), so any change from 0
 * is 100 (-100 when negative) and no change is 0. A negative total before counts by its size.
 */
export function percentChange(total: number, change: number): number {
  const before = total - change;
  if (Math.abs(before) < 1e-9) return change === 0 ? 0 : Math.sign(change) * 100;
  return tenths((change / Math.abs(before)) * 100);
}

/**
 * The user's percentile among those active in the period: the percentage of them (the user
 * included, so it is never 0 and the top user is at 100) whose change was at most the user's.
 */
export function percentile(others: number, othersAtMost: number): number {
  return tenths(((othersAtMost + 1) / (others + 1)) * 100);
}
