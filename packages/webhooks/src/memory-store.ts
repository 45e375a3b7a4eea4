import type { ClaimState, IdempotencyStore } from './idempotency.js';

export interface MemoryStoreOptions {
  /** Entries kept at most; past it, expired entries go first, then the oldest. Default 100,000. */
  maxEntries?: number;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. For tests. */
  now?: () => number;
}

interface Entry {
  state: 'processing' | 'done';
  expiresAt: number;
}

/**
 * Claims in this process's memory: right for a single process, and for tests. Several processes
 * (or serverless instances) each see only their own requests: give them a shared store instead.
 */
export class MemoryStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  claim(id: string, leaseSeconds: number): ClaimState {
    const now = this.now();
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt > now) return entry.state;
    this.set(id, { state: 'processing', expiresAt: now + leaseSeconds * 1000 });
    return 'claimed';
  }

  complete(id: string, ttlSeconds: number): void {
    this.set(id, { state: 'done', expiresAt: this.now() + ttlSeconds * 1000 });
  }

  release(id: string): void {
    if (this.entries.get(id)?.state === 'processing') this.entries.delete(id);
  }

  private set(id: string, entry: Entry): void {
    // Deleting first moves the id to the end of the Map's order, which is the eviction order.
    this.entries.delete(id);
    if (this.entries.size >= this.maxEntries) this.evict();
    this.entries.set(id, entry);
  }

  /** Makes room for a tenth of the maximum at once, so a full store does not scan on every claim. */
  private evict(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id);
    const target = Math.floor(this.maxEntries * 0.9);
    for (const id of this.entries.keys()) {
      if (this.entries.size <= target) break;
      this.entries.delete(id);
    }
  }
}
