import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../clock.js';
import type { DeliveryWorker } from '../delivery/worker.js';
import type { Backend } from '../store/backends/backend.js';

export interface Metrics {
  registry: Registry;
  /** Subscribes the counters to a worker's events; the worker itself knows nothing of Prometheus. */
  observe(worker: DeliveryWorker): void;
}

export function createMetrics(backend: Backend, clock: Clock): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'laurel_' });

  const attempts = new Counter({
    name: 'laurel_delivery_attempts_total',
    help: 'Delivery attempts by what became of the delivery: succeeded, retrying or failed.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'laurel_delivery_attempt_duration_seconds',
    help: 'Time from sending an attempt to its response or error.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const disabled = new Counter({
    name: 'laurel_webhooks_disabled_total',
    help: 'Webhooks disabled automatically (410 Gone, or failing for too long).',
    registers: [registry],
  });
  // Read from the database at scrape time, so every process reports the shared queue.
  new Gauge({
    name: 'laurel_delivery_queue_depth',
    help: 'Deliveries due now and not yet claimed.',
    registers: [registry],
    async collect() {
      const { depth } = await dueSummary(backend, clock.now());
      this.set(depth);
    },
  });
  new Gauge({
    name: 'laurel_delivery_oldest_due_age_seconds',
    help: 'How long the oldest due delivery has waited; 0 when none is due.',
    registers: [registry],
    async collect() {
      const now = clock.now();
      const { oldest } = await dueSummary(backend, now);
      this.set(oldest === null ? 0 : Math.max(0, (now - oldest) / 1000));
    },
  });

  return {
    registry,
    observe(worker) {
      worker.on('delivery:attempt', (attempt) => {
        attempts.inc({ outcome: attempt.next.status });
        latency.observe(attempt.latencyMs / 1000);
      });
      worker.on('webhook:disabled', () => disabled.inc());
    },
  };
}

async function dueSummary(backend: Backend, now: number): Promise<{ depth: number; oldest: number | null }> {
  const row = await backend.db
    .selectFrom('deliveries')
    .select((eb) => [eb.fn.countAll<number>().as('depth'), eb.fn.min('next_attempt_at').as('oldest')])
    .where('status', 'in', ['pending', 'retrying'])
    .where('next_attempt_at', '<=', now)
    .executeTakeFirstOrThrow();
  return { depth: Number(row.depth), oldest: row.oldest === null ? null : Number(row.oldest) };
}
