import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Backend } from '../store/backends/backend.js';
import { signingTargets } from '../webhooks/secrets.js';
import { decideNext } from './decide-next.js';
import { DELIVERY_CHANNEL, decodeWakeUp } from './outbox.js';
import { claimDeliveries, type ClaimedDelivery } from './queue/claim.js';
import { findDueWebhooks } from './queue/find-due-webhooks.js';
import { completeAttempts, type FinishedAttempt } from './queue/complete.js';
import { reclaimExpiredLeases } from './queue/reclaim-expired.js';
import type { Lease } from './queue/lease-fence.js';
import { releaseDeliveries } from './queue/release.js';
import type { Transport } from './transport.js';

/**
 * The delivery worker. Per delivery:
 *   claimed (leased) -> queued in its webhook's lane -> attempt sent (at most `perWebhookConcurrency`
 *   at once per lane) -> outcome decided (decide-next.ts) -> written in a batch (complete.ts).
 * Each webhook has its own lane and claims are made per webhook, for at most the lane's free room
 * and the global free slots: a receiver that hangs holds only its own slots and its backlog is
 * never scanned on the way to anyone else's.
 * Which webhooks have work: the outbox's wake-ups name them (in process, or through PostgreSQL
 * NOTIFY from other processes); a poll asks the database, which catches retries coming due.
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
  body: string;
}

interface Lane {
  inFlight: number;
  queue: Pending[];
  /**
   * The webhook's URL, state and secrets as of the lane's latest claim (undefined: deleted or
   * disabled). Queued deliveries are sent with the lane's target, not with the one read when they
   * were claimed, so a change to the webhook reaches them with the next claim.
   */
  target: WebhookTarget | undefined;
}

const laneSize = (lane: Lane) => lane.inFlight + lane.queue.length;

// A lane's size and when it is refilled, in multiples of the webhook concurrency (see pump).
const LANE_DEPTH = 4;
const REFILL_AFTER = 2;
// An attempt may only start if the lease outlives its timeout by this much.
const LEASE_SAFETY_MS = 5_000;
// Outcomes wait this long to share a write: a write's fixed cost (~0.6 ms per transaction on
// SQLite; parsing and planning the statement on PostgreSQL) is paid once for the batch, and the
// wait delays only the log entry, never the delivery itself. 5 ms rather than 2 made PostgreSQL
// 2.6 and 3.8 % faster in two series; 10 ms was slower again, with more idle CPU.
const FLUSH_LINGER_MS = 5;

export class DeliveryWorker extends EventEmitter<WorkerEvents> {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly lanes = new Map<string, Lane>();
  /** Webhooks that may have due deliveries, in the order they will be served. */
  private readonly candidates = new Set<string>();
  /** Ask the database which webhooks have due work before the next claims. */
  private discover = true;
  /**
   * Per webhook, the due time this worker's claims have reached: everything due earlier is
   * claimed (by it or another worker), so the next claim starts there. On PostgreSQL a claim
   * otherwise walks the due index from the oldest entry, through the dead entries of every
   * delivery claimed since the last VACUUM (3.7 ms per claim after 100,000 deliveries instead of
   * 1.4). Rows can still turn up behind a floor: an emit that commits after later ones (its
   * wake-up says how far back: `lookBack`), rows given back by a stopping worker. So every
   * discovery pass, once per poll interval, forgets the floors and scans in full.
   */
  private readonly scanFloors = new Map<string, number>();
  /** Per webhook, the oldest due time announced by wake-ups since its last claim; -Infinity when unknown. */
  private readonly lookBack = new Map<string, number>();
  /**
   * Webhooks whose receiver answered 410 Gone, until the write that disables them is done. Until
   * then the database still says enabled, so targets loaded meanwhile are overruled (see `load`).
   */
  private readonly disabling = new Set<string>();
  /** How many times each webhook's sending was stopped: a claim whose read overlapped a stop does not trust what it read. */
  private readonly stops = new Map<string, number>();
  /** Deliveries this worker has claimed and not yet finished with (queued, in flight or unwritten). */
  private held = 0;
  /**
   * Attempts in flight or waiting for their outcome to be written: what the global concurrency
   * caps. Rows merely queued in a lane do not count, so a lane stuck behind a hanging receiver
   * never takes global slots from the others.
   */
  private busy = 0;
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
    private readonly transport: Transport,
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
    if (this.backend.listen) {
      this.unlisten = await this.backend.listen(DELIVERY_CHANNEL, (payload) => {
        const { webhookIds, since } = decodeWakeUp(payload);
        this.wake(webhookIds, since);
      });
    }
    const poll = this.settings.pollIntervalMs ?? 1_000;
    this.pollTimer = setInterval(() => this.wake(), poll);
    this.reclaimTimer = setInterval(() => void this.reclaim(false), Math.max(1_000, Math.floor(this.settings.leaseMs / 3)));
    this.wake();
  }

  /**
   * Look for due deliveries now: of the given webhooks, or of any webhook when none are named.
   * `since`: the earliest due time among the new deliveries, when the caller knows it.
   * Cheap to call often: concurrent calls coalesce into one pass.
   */
  wake(webhookIds?: readonly string[], since = -Infinity): void {
    if (!this.running) return;
    if (webhookIds) {
      for (const id of webhookIds) {
        this.candidates.add(id);
        this.lookBack.set(id, Math.min(since, this.lookBack.get(id) ?? Infinity));
      }
    } else this.discover = true;
    this.schedulePump();
  }

  private schedulePump(): void {
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
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.schedulePump();
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
    const unstarted = [...this.lanes.values()].flatMap((lane) => lane.queue.splice(0).map((p) => leaseOf(p.delivery)));
    this.held -= unstarted.length;
    await releaseDeliveries(this.backend, this.id, unstarted, this.clock.now());
    if (this.held > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  private async pump(): Promise<void> {
    const { concurrency, perWebhookConcurrency } = this.settings;
    if (this.discover) {
      this.discover = false;
      this.scanFloors.clear();
      this.lookBack.clear();
      for (const id of await findDueWebhooks(this.backend, this.clock.now())) this.candidates.add(id);
    }
    // A lane holds up to four times its concurrency (in flight plus queued) and is refilled once
    // twice its concurrency has drained: a busy lane still has a concurrency's worth queued while
    // the claim runs, and each claim takes twice the concurrency. Both were measured: refilling
    // only when the queue was empty left the receiver short of requests during every claim, and
    // claims of one concurrency's worth paid their statements' fixed costs twice as often
    // (PostgreSQL +14 %, SQLite +4 % against three times with refills of one).
    const room = (lane: Lane | undefined) => LANE_DEPTH * perWebhookConcurrency - (lane ? laneSize(lane) : 0);
    for (const webhookId of [...this.candidates]) {
      if (!this.running) return;
      const free = concurrency - this.busy;
      if (free <= 0) return;
      const lane = this.lanes.get(webhookId);
      if (room(lane) < REFILL_AFTER * perWebhookConcurrency) continue;
      const limit = Math.min(free, room(lane));
      const dueFrom = this.scanFloor(webhookId);
      const claimed = await claimDeliveries(this.backend, {
        workerId: this.id,
        webhookId,
        now: this.clock.now(),
        leaseMs: this.settings.leaseMs,
        limit,
        dueFrom,
      }).catch((error: unknown) => {
        // The wake-ups this claim consumed are not lost: the next one scans in full.
        this.scanFloors.delete(webhookId);
        throw error;
      });
      // Oldest first, so everything due before the latest row claimed is taken. Wake-ups that came
      // in meanwhile are still in `lookBack` and lower the floor again for the next claim.
      const reached = claimed.length > 0 ? Math.max(...claimed.map((c) => c.dueAt)) : dueFrom;
      if (reached === undefined) this.scanFloors.delete(webhookId);
      else this.scanFloors.set(webhookId, reached);
      // Served: move to the back of the line so other webhooks get their turn first.
      this.candidates.delete(webhookId);
      if (claimed.length === limit) this.candidates.add(webhookId);
      if (claimed.length === 0) continue;
      this.held += claimed.length;
      const { target, pending } = await this.load(webhookId, claimed);
      if (!this.running) {
        // Stopped while this claim was under way: give the rows straight back.
        await releaseDeliveries(this.backend, this.id, claimed.map(leaseOf), this.clock.now());
        this.release(claimed.length);
        return;
      }
      const filling = this.lane(webhookId);
      filling.target = target;
      filling.queue.push(...pending);
      this.drain(webhookId);
    }
  }

  /** Where the next claim for this webhook starts (undefined: from the oldest), given the wake-ups since the last. */
  private scanFloor(webhookId: string): number | undefined {
    const floor = this.scanFloors.get(webhookId);
    const since = this.lookBack.get(webhookId);
    this.lookBack.delete(webhookId);
    if (floor === undefined || since === undefined) return floor;
    return since === -Infinity ? undefined : Math.min(floor, since);
  }

  /** Fetches what a claim's attempts need: the webhook's URL, state and secrets, and each event's body unless the claim brought it. */
  private async load(webhookId: string, claimed: ClaimedDelivery[]): Promise<{ target: WebhookTarget | undefined; pending: Pending[] }> {
    const db = this.backend.queue;
    // Taken before the read: a webhook still disabling now, or stopped while the read runs, may be
    // disabled by the time the read returns, and the read may or may not have seen it.
    const stale = this.disabling.has(webhookId);
    const stops = this.stops.get(webhookId);
    const missing = [...new Set(claimed.filter((c) => c.payload === undefined).map((c) => c.eventId))];
    const [events, targets] = await Promise.all([
      missing.length > 0 ? db.selectFrom('events').select(['id', 'payload']).where('id', 'in', missing).execute() : [],
      signingTargets(db, [webhookId], this.clock.now()),
    ]);
    const bodies = new Map(events.map((e) => [e.id, e.payload]));
    const found = targets.get(webhookId);
    const { timeoutMs } = this.settings;
    return {
      target: found && !stale && stops === this.stops.get(webhookId) ? { ...found, timeoutMs: Math.min(found.timeoutMs ?? timeoutMs, timeoutMs) } : undefined,
      pending: claimed.map((delivery) => ({ delivery, body: delivery.payload ?? bodies.get(delivery.eventId) ?? '' })),
    };
  }

  private lane(webhookId: string): Lane {
    let lane = this.lanes.get(webhookId);
    if (!lane) {
      lane = { inFlight: 0, queue: [], target: undefined };
      this.lanes.set(webhookId, lane);
    }
    return lane;
  }

  private drain(webhookId: string): void {
    const lane = this.lane(webhookId);
    const expired: Lease[] = [];
    while (lane.inFlight < this.settings.perWebhookConcurrency && this.busy < this.settings.concurrency && lane.queue.length > 0) {
      const item = lane.queue.shift()!;
      const timeoutMs = lane.target?.timeoutMs ?? this.settings.timeoutMs;
      if (this.clock.now() + timeoutMs + LEASE_SAFETY_MS > item.delivery.leaseExpiresAt) {
        expired.push(leaseOf(item.delivery));
        continue;
      }
      lane.inFlight++;
      this.busy++;
      // The lane's slot frees when the receiver has answered; the global slot only once the
      // outcome is written, which bounds how many unwritten outcomes can pile up.
      void this.attempt(item, lane.target)
        .then((finished) => {
          if (finished.gone) this.stopSending(webhookId, true);
          lane.inFlight--;
          this.drain(webhookId);
          if (this.candidates.has(webhookId)) this.schedulePump();
          return this.finish(finished);
        })
        .catch((error: unknown) => this.emit('error', asError(error)))
        .finally(() => {
          this.busy--;
          this.release(1);
        });
    }
    if (expired.length > 0) {
      // Waited too long behind a slow receiver: hand back rather than risk a second worker sending it too.
      void releaseDeliveries(this.backend, this.id, expired, this.clock.now())
        .catch((error: unknown) => this.emit('error', asError(error)))
        .finally(() => {
          this.release(expired.length);
          // They keep their due time, behind this webhook's scan floor.
          this.wake([webhookId]);
        });
    }
    if (lane.inFlight === 0 && lane.queue.length === 0) this.lanes.delete(webhookId);
  }

  /** Forgets finished or handed-back deliveries; whatever waited for a global slot can go on now. */
  private release(count: number): void {
    this.held -= count;
    if (this.held === 0 && this.idle) {
      this.idle();
      this.idle = undefined;
    }
    for (const [webhookId, lane] of this.lanes) {
      if (this.busy >= this.settings.concurrency) break;
      if (lane.queue.length > 0) this.drain(webhookId);
    }
    if (this.candidates.size > 0) this.schedulePump();
  }

  /** Makes one attempt and decides what follows; never throws (the transport reports failures as outcomes). */
  private async attempt({ delivery, body }: Pending, target: WebhookTarget | undefined): Promise<FinishedAttempt> {
    const startedAt = this.clock.now();
    const base = { deliveryId: delivery.id, webhookId: delivery.webhookId, number: delivery.attempt, trigger: delivery.trigger, startedAt };
    if (!target || !target.enabled || target.secrets.length === 0) {
      return {
        ...base,
        latencyMs: 0,
        statusCode: null,
        errorKind: 'webhook_disabled',
        errorMessage: 'the webhook was disabled before this attempt; resend it once the webhook is enabled',
        responseBody: null,
        requestHeaders: {},
        next: { status: 'failed' },
        gone: false,
      };
    }
    const { outcome, requestHeaders } = await this.transport.send({
      url: target.url,
      timeoutMs: target.timeoutMs,
      deliveryId: delivery.id,
      eventType: delivery.eventType,
      timestamp: Math.floor(startedAt / 1000),
      body,
      secrets: target.secrets,
      userAgent: this.settings.userAgent,
    });
    const decided = decideNext(outcome, base, this.clock.now(), this.settings.retryScheduleMs, this.random);
    return {
      ...base,
      latencyMs: outcome.latencyMs,
      statusCode: outcome.kind === 'response' ? outcome.status : null,
      errorKind: outcome.kind === 'error' ? outcome.error : null,
      errorMessage: outcome.kind === 'error' ? outcome.message : null,
      responseBody: outcome.kind === 'response' ? outcome.body : null,
      requestHeaders,
      ...decided,
    };
  }

  /**
   * Queues a finished attempt for the next batched write and resolves once it is written. The
   * caller holds its concurrency slot until then, which bounds unwritten attempts (backpressure).
   */
  private finish(attempt: FinishedAttempt): Promise<void> {
    this.finished.push(attempt);
    this.nextFlush ??= this.writing
      .then(() => new Promise((resolve) => setTimeout(resolve, FLUSH_LINGER_MS)))
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
      for (const webhook of result.disabledWebhooks) {
        this.stopSending(webhook.id, false);
        this.emit('webhook:disabled', webhook);
      }
    } catch (error) {
      // The leases stay ours until they expire; then another pass retries these deliveries.
      this.emit('error', asError(error));
    } finally {
      // Written (or not, and the 410 will be met again on the retry): from here on, loads read the truth.
      for (const attempt of batch) if (attempt.gone) this.disabling.delete(attempt.webhookId);
    }
  }

  /**
   * The webhook is disabled (410 Gone, or disabled automatically by this worker's own write): what
   * its lane still holds is failed without being sent, as any delivery of a disabled webhook is.
   * `unwritten`: the disabling write is still to come.
   */
  private stopSending(webhookId: string, unwritten: boolean): void {
    if (unwritten) this.disabling.add(webhookId);
    this.stops.set(webhookId, (this.stops.get(webhookId) ?? 0) + 1);
    const lane = this.lanes.get(webhookId);
    if (lane) lane.target = undefined;
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

function leaseOf(delivery: ClaimedDelivery): Lease {
  return { id: delivery.id, attempt: delivery.attempt };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
