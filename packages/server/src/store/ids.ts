import { v7 } from 'uuid';

/**
 * Row ids for the hot tables (events, deliveries, attempts). UUIDv7 starts with the time, so new
 * rows land at the right edge of each B-tree: a commit touches a few pages instead of one random
 * page per row, which is most of the write cost on both SQLite and PostgreSQL.
 */
export const newId = (): string => v7();
