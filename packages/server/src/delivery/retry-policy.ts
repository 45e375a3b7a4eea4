/**
 * When to try again after a failed attempt. Pure: the random source and the schedule are inputs.
 *
 * - `scheduleMs[n]` is the delay after the (n+1)th failed attempt; past its end there are no more retries.
 * - ±20 % jitter spreads retries of a burst so a recovering receiver is not hit all at once.
 * - `Retry-After` is honoured but clamped between the (jittered) scheduled delay and twice the
 *   scheduled delay: a receiver may slow us down, not make us retry sooner than planned, and
 *   cannot park a delivery for ever.
 */
export interface RetryInput {
  /** Attempts made so far, including the one that just failed (1 after the first). */
  attempts: number;
  scheduleMs: readonly number[];
  retryAfterMs: number | null;
  random: () => number;
}

export const JITTER = 0.2;

export function nextRetryDelay({ attempts, scheduleMs, retryAfterMs, random }: RetryInput): number | null {
  const scheduled = scheduleMs[attempts - 1];
  if (scheduled === undefined) return null;
  const jittered = Math.round(scheduled * (1 - JITTER + 2 * JITTER * random()));
  if (retryAfterMs === null) return jittered;
  return Math.min(Math.max(retryAfterMs, jittered), 2 * scheduled);
}

/**
 * A Retry-After header in ms from `now`: delta-seconds or an HTTP-date; null when absent or unreadable.
 * Read when the next attempt is planned, against Laurel's clock rather than the sender's.
 */
export function retryAfterMs(header: string | null, now: number): number | null {
  const text = header?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP-dates always contain a month or day name; this keeps Date.parse's lenient parser from
  // reading things like "1.5" as a date.
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
