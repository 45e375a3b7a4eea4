import { v7 } from 'uuid';

/**
 * Row ids for the hot tables (events, deliveries, attempts). UUIDv7 starts with the time, so new
 * rows land at the right edge of each B-tree: a commit touches a few pages instead of one random
 * page per row, which is most of the write cost on both SQLite and PostgreSQL.
 */
export const newId = (): string => v7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `value` has the form of the ids `newId` makes (lowercase hex UUIDs), so it can be compared with them. */
export function isId(value: string): boolean {
  return UUID.test(value);
}

/** The Unix milliseconds a UUIDv7 id was made at (its first 48 bits). */
export function idTime(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/**
 * A string that sorts after every id made before `ms` and before every id made at or after it
 * (the version nibble of a real id is 7, never 0). Ids of one process sort in the order they
 * were made (`uuid` keeps v7 monotonic), so `id > idFloorAt(t)` reads "made at t or later".
 */
export function idFloorAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}
