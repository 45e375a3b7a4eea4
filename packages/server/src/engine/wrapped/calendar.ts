import { Temporal } from 'temporal-polyfill';
import type { DateRange } from './types.js';

/**
 * The year's calendar, on Temporal's PlainDate so that every year from 1 on works (Date.UTC reads
 * years below 100 as 19xx). Only the year's days, weeks and months go through here, never one
 * call per event, so Temporal's cost does not matter.
 */

export function yearRange(year: number): DateRange {
  const first = Temporal.PlainDate.from({ year, month: 1, day: 1 });
  return { start: first.toString(), end: first.with({ month: 12, day: 31 }).toString() };
}

/** The week (starting on `weekStart`, 0 = Sunday) that contains `date`. */
export function weekOf(date: string, weekStart: number): DateRange {
  const day = Temporal.PlainDate.from(date);
  // Temporal numbers Monday 1 ... Sunday 7; % 7 gives Sunday 0 ... Saturday 6.
  const start = day.subtract({ days: (day.dayOfWeek % 7 - weekStart + 7) % 7 });
  return { start: start.toString(), end: start.add({ days: 6 }).toString() };
}

/** The calendar month `month0` (0 = January) of the year. */
export function monthRange(year: number, month0: number): DateRange {
  const first = Temporal.PlainDate.from({ year, month: month0 + 1, day: 1 });
  return { start: first.toString(), end: first.with({ day: first.daysInMonth }).toString() };
}

/** 0 = January ... 11 = December. */
export const monthOf = (date: string): number => Number(date.slice(-5, -3)) - 1;

/** The part of `range` inside `within` (ranges that overlap). */
export function clip(range: DateRange, within: DateRange): DateRange {
  return { start: range.start > within.start ? range.start : within.start, end: range.end < within.end ? range.end : within.end };
}

export const contains = (range: DateRange, date: string): boolean => date >= range.start && date <= range.end;
