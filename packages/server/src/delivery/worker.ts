import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Backend } from '../store/backends/backend.js';
import { activeSecrets } from '../webhooks/secrets.js';
import { decideNext } from './decide-next.js';
import type { HttpSender } from './http-sender.js';
import { DELIVERY_CHANNEL } from './outbox.js';
import { claimDeliveries, type ClaimedDelivery } from './queue/claim.js';
import { completeAttempts, type FinishedAttempt } from './queue/complete.js';
import { reclaimExpiredLeases } from './queue/reclaim-expired.js';
import { releaseDeliveries } from './queue/release.js';
import { signatureHeaders } from './signer.js';

/**
 * The delivery worker. Per delivery:
 *   claimed (leased) -> queued locally behind its webhook's concurrency cap -> attempt sent
 *   -> outcome decided (decide-next.ts) -> written in a batch with others (complete.ts).
 * Claims never take more than the free global slots, nor more than the cap for one webhook, and
 * skip webhooks this worker is saturated on: a receiver that hangs holds only its own slots.
 * Wake-ups come from the outbox (same process), PostgreSQL NOTIFY (other processes) and a poll.
 */
export interface WorkerSettings {
  concurrency: number;
  perWebhookConcurrency: number;
  timeoutMs: number;
  leaseMs: number;
  retryScheduleMs: readonly number[];
  autoDisableAfterMs: number;
  /** Idle poll; catches retries coming due and commits whose notification was missed. */
  pollIntervalMs?: number;
  userAgent: string;
}

export interface WorkerEvents {
  /** An attempt was made and recorded. */
  'delivery:attempt': [FinishedAttempt];
  'delivery:succeeded': [FinishedAttempt];
  'delivery:retrying': [FinishedAttempt];
  'delivery:failed': [FinishedAttempt];
  'webhook:disabled': [{ id: string; reason: string }];
  /** Deliveries of dead workers put back in the queue. */
  'delivery:reclaimed': [number];
  error: [Error];
}

interface WebhookTarget {
  url: string;
  enabled: boolean;
  timeoutMs: number;
  secrets: string[];
}

interface Pending {
  delivery: ClaimedDelivery;
  target: WebhookTarget | undefined;
  body: string;
}

interface Lane {
  inFlight: number;
  queue: Pending[];
}

// An attempt may only start if the lease outlives its timeout by this much.
const LEASE_SAFETY_MS = 5_000;
const CLAIM_BATCH = 256;

export class DeliveryWorker extends EventEmitter<WorkerEvents> {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly lanes = new Map<string, Lane>();
  private held = 0;
  private running = false;
  private pumping = false;
  private pumpAgain = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private reclaimTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private finished: FinishedAttempt[] = [];
  private nextFlush: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private idle: (() => void) | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly sender: HttpSender,
    private readonly clock: Clock,
    private readonly settings: WorkerSettings,
    private readonly random: () => number = Math.random,
  ) {
    super();
  }

  async start(): Promise<void> {
    this.running = true;
    // On SQLite this process is the only worker, so whatever is still "delivering" belongs to a run that died.
    const solo = this.backend.kind === 'sqlite';
    await this.reclaim(solo);
    if (this.backend.listen) this.unlisten = await this.backend.listen(DELIVERY_CHANNEL, () => this.wake());
    const poll = this.settings.pollIntervalMs ?? 1_000;
    this.pollTimer = setInterval(() => this.wake(), poll);
    this.reclaimTimer = setInterval(() => void this.reclaim(false), Math.max(1_000, Math.floor(this.settings.leaseMs / 3)));
    this.wake();
  }

  /** Look for due deliveries now. Cheap to call often: concurrent calls coalesce into one pass. */
  wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((error: unknown) => this.emit('error', asError(error)))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain && this.running) {
          this.pumpAgain = false;
          this.wake();
        }
      });
  }

  /** Stops claiming, lets attempts in flight finish (up to their timeout), and gives back the rest. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.pollTimer);
    clearInterval(this.reclaimTimer);
    await this.unlisten?.();
    const unstarted = [...this.lanes.values()].flatMap((lane) => lane.queue.splice(0).map((p) => p.delivery.id));
    this.held -= unstarted.length;
    await releaseDeliveries(this.backend, this.id, unstarted, this.clock.now());
    if (this.held > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  get inFlight(): number {
    return this.held;
  }

  private async pump(): Promise<void> {
    const { concurrency, perWebhookConcurrency } = this.settings;
    while (this.running) {
      const free = concurrency - this.held;
      if (free <= 0) return;
      const saturated = [...this.lanes].filter(([, lane]) => lane.inFlight + lane.queue.length >= perWebhookConcurrency).map(([id]) => id);
      const limit = Math.min(free, CLAIM_BATCH);
      const claimed = await claimDeliveries(this.backend, {
        workerId: this.id,
        now: this.clock.now(),
        leaseMs: this.settings.leaseMs,
        limit,
        perWebhookLimit: perWebhookConcurrency,
        excludeWebhookIds: saturated,
      });
      if (claimed.length === 0) return;
      this.held += claimed.length;
      const pending = await this.load(claimed);
      for (const item of pending) this.lane(item.delivery.webhookId).queue.push(item);
      for (const webhookId of new Set(claimed.map((c) => c.webhookId))) this.drain(webhookId);
      if (claimed.length < limit) return;
    }
  }

  /** Fetches what an attempt needs: each event's body and each webhook's URL, state and secrets. */
  private async load(claimed: ClaimedDelivery[]): Promise<Pending[]> {
    const db = this.backend.db;
    const eventIds = [...new Set(claimed.map((c) => c.eventId))];
    const webhookIds = [...new Set(claimed.map((c) => c.webhookId))];
    const [events, webhooks, secrets] = await Promise.all([
      db.selectFrom('events').select(['id', 'payload']).where('id', 'in', eventIds).execute(),
      db.selectFrom('webhooks').select(['id', 'url', 'enabled', 'timeout_ms']).where('id', 'in', webhookIds).execute(),
      activeSecrets(db, webhookIds, this.clock.now()),
    ]);
    const bodies = new Map(events.map((e) => [e.id, e.payload]));
    const targets = new Map(
      webhooks.map((w) => [
        w.id,
        {
          url: w.url,
          enabled: w.enabled === 1,
          timeoutMs: Math.min(w.timeout_ms ?? this.settings.timeoutMs, this.settings.timeoutMs),
          secrets: (secrets.get(w.id) ?? []).map((s) => s.secret),
        },
      ]),
    );
    return claimed.map((delivery) => ({ delivery, target: targets.get(delivery.webhookId), body: bodies.get(delivery.eventId) ?? '' }));
  }

  private lane(webhookId: string): Lane {
    let lane = this.lanes.get(webhookId);
    if (!lane) {
      lane = { inFlight: 0, queue: [] };
      this.lanes.set(webhookId, lane);
    }
    return lane;
  }

  private drain(webhookId: string): void {
    const lane = this.lane(webhookId);
    const expired: string[] = [];
    while (lane.inFlight < this.settings.perWebhookConcurrency && lane.queue.length > 0) {
      const item = lane.queue.shift()!;
      const timeoutMs = item.target?.timeoutMs ?? this.settings.timeoutMs;
      if (this.clock.now() + timeoutMs + LEASE_SAFETY_MS > item.delivery.leaseExpiresAt) {
        expired.push(item.delivery.id);
        continue;
      }
      lane.inFlight++;
      void this.attempt(item).finally(() => {
        lane.inFlight--;
        this.release(1);
        this.drain(webhookId);
        this.wake();
      });
    }
    if (expired.length > 0) {
      // Waited too long behind a slow receiver: hand back rather than risk a second worker sending it too.
      void releaseDeliveries(this.backend, this.id, expired, this.clock.now())
        .catch((error: unknown) => this.emit('error', asError(error)))
        .finally(() => this.release(expired.length));
    }
    if (lane.inFlight === 0 && lane.queue.length === 0) this.lanes.delete(webhookId);
  }

  private release(count: number): void {
    this.held -= count;
    if (this.held === 0 && this.idle) {
      this.idle();
      this.idle = undefined;
    }
  }

  private async attempt({ delivery, target, body }: Pending): Promise<void> {
    const startedAt = this.clock.now();
    const base = { deliveryId: delivery.id, webhookId: delivery.webhookId, number: delivery.attempt, trigger: delivery.trigger, startedAt };
    if (!target || !target.enabled || target.secrets.length === 0) {
      await this.finish({
        ...base,
        latencyMs: 0,
        statusCode: null,
        errorKind: 'webhook_disabled',
        errorMessage: 'the webhook was disabled before this attempt; resend it once the webhook is enabled',
        responseBody: null,
        requestHeaders: {},
        next: { status: 'failed' },
        gone: false,
      });
      return;
    }
    const headers = signatureHeaders({
      deliveryId: delivery.id,
      eventType: delivery.eventType,
      timestamp: Math.floor(startedAt / 1000),
      body,
      secrets: target.secrets,
      userAgent: this.settings.userAgent,
    });
    const outcome = await this.sender.send({ url: target.url, body, headers, timeoutMs: target.timeoutMs });
    const decided = decideNext(outcome, base, this.clock.now(), this.settings.retryScheduleMs, this.random);
    await this.finish({
      ...base,
      latencyMs: outcome.latencyMs,
      statusCode: outcome.kind === 'response' ? outcome.status : null,
      errorKind: outcome.kind === 'error' ? outcome.error : null,
      errorMessage: outcome.kind === 'error' ? outcome.message : null,
      responseBody: outcome.kind === 'response' ? outcome.body : null,
      requestHeaders: headers,
      ...decided,
    });
  }

  /**
   * Queues a finished attempt for the next batched write and resolves once it is written. The
   * caller holds its concurrency slot until then, which bounds unwritten attempts (backpressure).
   */
  private finish(attempt: FinishedAttempt): Promise<void> {
    this.finished.push(attempt);
    this.nextFlush ??= this.writing
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(() => {
        this.nextFlush = undefined;
        this.writing = this.flush();
        return this.writing;
      });
    return this.nextFlush;
  }

  private async flush(): Promise<void> {
    const batch = this.finished.splice(0);
    if (batch.length === 0) return;
    try {
      const result = await completeAttempts(this.backend, this.id, batch, this.clock.now(), this.settings.autoDisableAfterMs);
      for (const attempt of result.recorded) {
        this.emit('delivery:attempt', attempt);
        this.emit(`delivery:${attempt.next.status}`, attempt);
      }
      for (const webhook of result.disabledWebhooks) this.emit('webhook:disabled', webhook);
    } catch (error) {
      // The leases stay ours until they expire; then another pass retries these deliveries.
      this.emit('error', asError(error));
    }
  }

  private async reclaim(ownedByDeadProcesses: boolean): Promise<void> {
    try {
      const count = await reclaimExpiredLeases(this.backend, this.clock.now(), { ownedByDeadProcesses });
      if (count > 0) {
        this.emit('delivery:reclaimed', count);
        this.wake();
      }
    } catch (error) {
      this.emit('error', asError(error));
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
