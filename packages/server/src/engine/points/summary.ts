/** One bar of GET /points/{key}/summary: users whose total is in [from, to]. */
export interface PointsRange {
  from: number;
  to: number;
  users: number;
}

const BUCKETS = 10;

/**
 * The top of the histogram: the highest total rounded up to a power of 10 (600 -> 1000; an
 * exact power stays: 1000 -> 1000), and at least 10, so that 1..M splits into ten buckets of
 * whole points (a top of 0 or 1 gives 1-1, 2-2, ..., 10-10).
 */
export function summaryCeiling(topTotal: number): number {
  let ceiling = BUCKETS;
  while (ceiling < topTotal) ceiling *= 10;
  return ceiling;
}

/**
 * The 11 ranges for a system whose highest total is `topTotal`, counts at 0: first 0-0, then ten
 * equal ranges over 1..M (M from summaryCeiling), both bounds inclusive. A top of 600 gives 0-0,
 * 1-100, 101-200, ..., 901-1000.
 */
export function summaryRanges(topTotal: number): PointsRange[] {
  const width = summaryCeiling(topTotal) / BUCKETS;
  const ranges: PointsRange[] = [{ from: 0, to: 0, users: 0 }];
  for (let i = 0; i < BUCKETS; i++) ranges.push({ from: i * width + 1, to: (i + 1) * width, users: 0 });
  return ranges;
}

/** Which of the 11 ranges a total falls in, for a given ceiling (0 -> 0; M -> 10). */
export function summaryBucket(total: number, ceiling: number): number {
  return total <= 0 ? 0 : Math.min(BUCKETS, Math.ceil(total / (ceiling / BUCKETS)));
}

/** The histogram of users' totals. */
export function pointsSummary(totals: Iterable<number>): PointsRange[] {
  const all = [...totals];
  const ceiling = summaryCeiling(all.reduce((top, total) => Math.max(top, total), 0));
  const ranges = summaryRanges(ceiling);
  for (const total of all) ranges[summaryBucket(total, ceiling)]!.users += 1;
  return ranges;
}
