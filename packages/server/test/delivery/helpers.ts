/**
 * Shared set-up for the delivery-semantics tests: a Laurel on the suite's database with a manual
 * clock, real receivers, and a recorder of worker events that tests wait on (never on sleeps).
 */
import assert from 'node:assert/strict';
import type dns from 'node:dns';
import { ManualClock } from '../../src/clock.js';
import type { Resolver } from '../../src/delivery/ssrf-guard.js';
import type { DeliveryWorker, WorkerEvents } from '../../src/delivery/worker.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import type { EventType } from '../../src/events/event-types.js';
import type { TestDatabase } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

/** Short enough that a hanging receiver costs a test one second; the lease keeps the required margin. */
export const FAST_ENV = { LAUREL_DELIVERY_TIMEOUT: '1s', LAUREL_LEASE: '15s' } as const;

export const MINUTE = 60_000;

type EventName = keyof WorkerEvents;
type Payload<E extends EventName> = WorkerEvents[E][0];

/**
 * Keeps every event a worker emits, so a test can wait for one that may already have happened
 * (no race between starting an action and subscribing to its outcome).
 */
export class WorkerRecorder {
  private readonly seen: { name: EventName; payload: unknown }[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(...workers: DeliveryWorker[]) {
    for (const worker of workers) this.attach(worker);
  }

  /** Records this worker's events too (several workers sharing one queue). */
  attach(worker: DeliveryWorker): void {
    const names = ['delivery:attempt', 'delivery:succeeded', 'delivery:retrying', 'delivery:failed', 'webhook:disabled', 'delivery:reclaimed'] as const;
    for (const name of names) {
      worker.on(name, (payload: unknown) => {
        this.seen.push({ name, payload });
        for (const check of [...this.waiters]) check();
      });
    }
  }

  all<E extends EventName>(name: E, match: (payload: Payload<E>) => boolean = () => true): Payload<E>[] {
    return this.seen.filter((e) => e.name === name && match(e.payload as Payload<E>)).map((e) => e.payload as Payload<E>);
  }

  /** Resolves with the `count`th matching event (the first by default), past or future. */
  async waitFor<E extends EventName>(
    name: E,
    match: (payload: Payload<E>) => boolean = () => true,
    { count = 1, timeoutMs = 10_000 }: { count?: number; timeoutMs?: number } = {},
  ): Promise<Payload<E>> {
    const found = await this.waitForAll(name, match, { count, timeoutMs });
    return found[count - 1]!;
  }

  waitForAll<E extends EventName>(
    name: E,
    match: (payload: Payload<E>) => boolean,
    { count, timeoutMs = 10_000 }: { count: number; timeoutMs?: number },
  ): Promise<Payload<E>[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.all(name, match);
        if (found.length < count) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`saw ${this.all(name, match).length} of ${count} matching ${name} events within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

export interface Harness {
  laurel: TestLaurel;
  clock: ManualClock;
  worker: DeliveryWorker;
  events: WorkerRecorder;
  /** A receiver for this harness, closed with it. */
  receiver(): Promise<Receiver>;
  /** Creates a webhook (development environment unless a key says otherwise) and tells the receiver its secret. */
  createWebhook(options: {
    receiver?: Receiver;
    url?: string;
    events?: EventType[];
    enabled?: boolean;
    timeoutMs?: number;
    key?: string;
  }): Promise<{ id: string; secret: string }>;
  /** "Send test event" through the API; returns the delivery id. */
  sendTestEvent(webhookId: string, type?: EventType): Promise<string>;
  /** The delivery log entry with every attempt. */
  delivery(webhookId: string, deliveryId: string): Promise<any>;
  /** Moves time forward and lets the worker look for what came due. */
  advance(ms: number): void;
  environmentId(name: 'production' | 'development'): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  resolve?: Resolver;
  pollIntervalMs?: number;
}

export async function startHarness(database: TestDatabase, options: HarnessOptions = {}): Promise<Harness> {
  const clock = new ManualClock(Date.now());
  const laurel = await startTestLaurel({
    databaseUrl: database.url,
    clock,
    env: { ...FAST_ENV, ...options.env },
    ...(options.resolve ? { resolve: options.resolve } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
  const worker = laurel.worker!;
  const events = new WorkerRecorder(worker);
  const receivers: Receiver[] = [];
  const webhookIds: string[] = [];

  return {
    laurel,
    clock,
    worker,
    events,
    async receiver() {
      const receiver = await startReceiver();
      receivers.push(receiver);
      return receiver;
    },
    async createWebhook({ receiver, url, events: types = ['achievement.completed'], enabled, timeoutMs, key }) {
      const target = url ?? receiver?.url;
      assert.ok(target, 'createWebhook needs a receiver or a url');
      const created = await laurel.api('POST', '/admin/v1/webhooks', {
        body: [{ name: 'test webhook', url: target, events: types, ...(enabled === undefined ? {} : { enabled }), ...(timeoutMs ? { timeoutMs } : {}) }],
        ...(key ? { key } : {}),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { id, secret } = created.body.created[0] as { id: string; secret: string };
      webhookIds.push(id);
      if (receiver) receiver.secrets = [secret];
      return { id, secret };
    },
    async sendTestEvent(webhookId, type = 'achievement.completed') {
      const sent = await laurel.api('POST', `/admin/v1/webhooks/${webhookId}/test`, { body: { type } });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      return sent.body.id as string;
    },
    async delivery(webhookId, deliveryId) {
      const log = await laurel.api('GET', `/admin/v1/webhooks/${webhookId}/deliveries/${deliveryId}`);
      assert.equal(log.status, 200, JSON.stringify(log.body));
      return log.body;
    },
    advance(ms) {
      clock.advance(ms);
      worker.wake();
    },
    async environmentId(name) {
      return (await findEnvironmentByName(laurel.backend.db, name))!.id;
    },
    async close() {
      // Stop first (in-flight attempts end within the timeout), then remove this test's webhooks
      // and their deliveries so a later Laurel on the same database never picks them up.
      try {
        await worker.stop();
        if (webhookIds.length > 0) await laurel.backend.db.deleteFrom('webhooks').where('id', 'in', webhookIds).execute();
      } finally {
        await laurel.close();
        await Promise.all(receivers.map((r) => r.close()));
      }
    },
  };
}

/** A resolver that knows only `table`, answering like dns.lookup (including `all: true`). */
export function fakeResolver(table: Record<string, string>): Resolver {
  return (hostname, options, callback) => {
    const ip = table[hostname];
    setImmediate(() => {
      if (ip === undefined) {
        const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        error.code = 'ENOTFOUND';
        error.syscall = 'getaddrinfo';
        callback(error, '');
      } else if (options.all) {
        callback(null, [{ address: ip, family: ip.includes(':') ? 6 : 4 }] satisfies dns.LookupAddress[]);
      } else {
        callback(null, ip, ip.includes(':') ? 6 : 4);
      }
    });
  };
}

export function isoToMs(iso: string | null): number {
  assert.ok(iso, 'expected a timestamp');
  return Date.parse(iso);
}
