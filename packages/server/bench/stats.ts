// Small helpers for the benchmark's report, shared by both halves.

/** Nearest-rank percentile (p in 0..100); NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface Row {
  name: string;
  perSecond?: number;
  elapsedMs?: number;
  ok?: number;
  failed?: number;
  p50Ms?: number;
  p99Ms?: number;
  note?: string;
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** A plain-text table: one line per row, columns padded to fit. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['', 'deliveries/s', 'elapsed ms', 'ok', 'failed', 'p50 ms', 'p99 ms', 'note'];
  const cells = rows.map((r) => [
    r.name,
    fmt(r.perSecond),
    fmt(r.elapsedMs),
    fmt(r.ok),
    fmt(r.failed),
    fmt(r.p50Ms, 1),
    fmt(r.p99Ms, 1),
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c.map((v, i) => (i === 0 || i === c.length - 1 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
