import type { TimeWindow } from './types.js';

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/** Seconds since midnight of `HH:mm` or `HH:mm:ss`; undefined when malformed. */
export function parseTimeOfDay(time: string): number | undefined {
  const match = TIME_OF_DAY.exec(time);
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of an instant in a time zone (UTC when null), in seconds since midnight. */
export function localSecondsOfDay(instantMs: number, tz: string | null): number {
  const zone = tz ?? 'UTC';
  let format = formatters.get(zone);
  if (!format) {
    // h23 so that midnight is 00, never 24; en-GB formats it as HH:MM:SS.
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, format);
  }
  const text = format.format(instantMs);
  return Number(text.slice(0, 2)) * 3600 + Number(text.slice(3, 5)) * 60 + Number(text.slice(6, 8));
}

function bound(time: string | null): number | null {
  if (time === null) return null;
  const seconds = parseTimeOfDay(time);
  if (seconds === undefined) throw new TypeError(`not a time of day: ${time}`); // configurations are validated before they are stored
  return seconds;
}

/**
 * Whether activity at an instant counts for a user in `tz`: the daily window is read on the
 * user's wall clock, startTime inclusive, endTime exclusive. Only startTime: from it to midnight;
 * only endTime: from midnight to it; startTime after endTime: the window wraps past midnight
 * (22:00-02:00 is 22:00 to 02:00 the next morning); neither: all day.
 *
 * On DST days the wall clock decides: a window inside the skipped hour (02:00-03:00 in New York
 * on 2026-03-08) matches nothing that day, and one inside the repeated hour (01:00-02:00 on
 * 2026-11-01) matches both passes, two real hours.
 */
export function inWindow(window: TimeWindow, instantMs: number, tz: string | null): boolean {
  const start = bound(window.startTime);
  const end = bound(window.endTime);
  if (start === null && end === null) return true;
  const t = localSecondsOfDay(instantMs, tz);
  if (end === null) return t >= (start as number);
  if (start === null) return t < end;
  return start < end ? t >= start && t < end : t >= start || t < end;
}
