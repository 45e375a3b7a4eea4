import { MemoryStore } from './memory-store.js';

/**
 * Laurel delivers at least once: a retry after a lost answer or a manual resend brings the same
 * delivery again, with the same webhook-id. This runs the work for an id once.
 *
 * The id is claimed before the work starts (so two copies arriving together cannot both run it),
 * marked done when the work succeeds, and released when it throws, so the sender's retry runs it.
 */

/** Where a claim stands, as the store answers `claim`. */
export type ClaimState = 'claimed' | 'processing' | 'done';

/**
 * Storage for claims, shared by every process that receives the webhook (Redis, a SQL table...).
 * `claim` must be atomic: of two concurrent calls for one id, exactly one gets 'claimed'.
 */
export interface IdempotencyStore {
  /**
   * Claims `id` for `leaseSeconds` and answers 'claimed' if it is unknown, or its earlier claim's
   * lease ran out (that process died). Otherwise answers what it is: 'processing' or 'done'.
   */
  claim(id: string, leaseSeconds: number): ClaimState | Promise<ClaimState>;
  /** The work for `id` succeeded: answer 'done' to claims for the next `ttlSeconds`. */
  complete(id: string, ttlSeconds: number): void | Promise<void>;
  /** The work for `id` failed: forget the claim so the next delivery of it runs the work again. */
  release(id: string): void | Promise<void>;
}

export interface IdempotencyOptions {
  /** Default: a MemoryStore, which only deduplicates within one process. */
  store?: IdempotencyStore;
  /** How long a claim holds while the work runs; longer than the work ever takes. Default 60 s. */
  leaseSeconds?: number;
  /**
   * How long a finished id is remembered. Default 7 days: Laurel keeps events for 7 days by
   * default (LAUREL_RETENTION), and a delivery can be resent for as long as its event is kept.
   */
  ttlSeconds?: number;
}

export type IdempotentResult<T> =
  | { status: 'processed'; value: T }
  /** Already processed: do nothing, answer 2xx. */
  | { status: 'duplicate' }
  /** Another request is processing it right now: answer non-2xx so the sender tries again later. */
  | { status: 'in_progress' };

export interface Idempotency {
  readonly leaseSeconds: number;
  run<T>(id: string, work: () => T | Promise<T>): Promise<IdempotentResult<T>>;
}

export const DEFAULT_LEASE_SECONDS = 60;
export const DEFAULT_TTL_SECONDS = 7 * 24 * 60 * 60;

export function idempotency(options: IdempotencyOptions = {}): Idempotency {
  const store = options.store ?? new MemoryStore();
  const leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  return {
    leaseSeconds,
    async run(id, work) {
      const state = await store.claim(id, leaseSeconds);
      if (state === 'done') return { status: 'duplicate' };
      if (state === 'processing') return { status: 'in_progress' };
      let value;
      try {
        value = await work();
      } catch (error) {
        await store.release(id);
        throw error;
      }
      await store.complete(id, ttlSeconds);
      return { status: 'processed', value };
    },
  };
}
