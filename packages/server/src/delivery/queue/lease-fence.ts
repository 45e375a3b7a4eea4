import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { Schema } from '../../store/schema.js';

/** One claim of one delivery: the claim counted the attempt, so the number tells claims apart. */
export interface Lease {
  id: string;
  attempt: number;
}

/**
 * The fence every write after a claim goes through, together with the owner check: the delivery
 * must still be at the attempt number of that claim. A reclaim followed by a new claim (even by
 * the same worker) moves the number on, so answers to the older attempt no longer match.
 * Grouped by number, as a batch is usually all first attempts: one `in` list instead of one
 * condition per row.
 */
export function heldLeases(eb: ExpressionBuilder<Schema, 'deliveries'>, leases: readonly Lease[]): ExpressionWrapper<Schema, 'deliveries', SqlBool> {
  const byAttempt = new Map<number, string[]>();
  for (const lease of leases) byAttempt.set(lease.attempt, [...(byAttempt.get(lease.attempt) ?? []), lease.id]);
  return eb.or([...byAttempt].map(([attempt, ids]) => eb.and([eb('attempts', '=', attempt), eb('id', 'in', ids)])));
}

export const leaseKey = (id: string, attempt: number): string => `${id}#${attempt}`;
