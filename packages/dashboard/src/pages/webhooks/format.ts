/** 99.9% rather than 100% when one delivery in a thousand failed: rounding must not hide failures. */
export function formatRate(rate: number): string {
  const percent = rate * 100;
  if (percent === 100 || percent === 0) return `${percent}%`;
  return `${Math.min(99.9, Math.max(0.1, Math.floor(percent * 10) / 10))}%`;
}

export function formatLatency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
