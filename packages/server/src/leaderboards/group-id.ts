import { createHash } from 'node:crypto';

/**
 * The name a breakdown group is stored and indexed under: the first 22 characters (132 bits) of
 * the base64url SHA-256 of its group key (engine groupKey, e.g. `["London","pro"]`). A key is the
 * user's attribute values themselves, up to 1,000 characters each, too long for PostgreSQL's
 * index entries (at most 2,704 bytes); the hash is short and fixed. leaderboard_groups maps it back.
 */
export function groupId(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('base64url').slice(0, 22);
}
