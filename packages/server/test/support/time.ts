/** Durations and dates for tests that move the manual clock. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The UTC date `days` after the instant. */
export const dateAfter = (now: number, days: number): string => new Date(now + days * DAY_MS).toISOString().slice(0, 10);
