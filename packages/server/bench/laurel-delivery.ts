// Laurel's half of the delivery benchmark: events emitted through the transactional outbox,
// claimed by the real worker, signed, POSTed to the benchmark receiver, attempts recorded.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { findEnvironmentByName } from '../src/environments/environments.js';
import { createLaurel, type Laurel } from '../src/laurel.js';
import { createWebhooks, deleteWebhooks } from '../src/webhooks/webhook-store.js';
import { cpuPer, readCpu, type CpuReading } from './cpu.js';
import type { Receiver } from './receiver.js';
import { percentile, type Row } from './stats.js';

export interface LaurelBenchOptions {
  backend: 'sqlite' | 'postgres';
  /** For PostgreSQL: a server URL; the run uses a fresh database on it and drops it afterwards. */
  postgresUrl?: string;
  receiver: Receiver;
  total: number;
  concurrency: number;
  /** Events per second for the latency run. */
  rate: number;
  rateSeconds: number;
}

const EMIT_BATCH = 100;
/** Hanging-neighbour runs, each between two healthy runs. */
const HANGING_RUNS = 3;

export async function benchLaurel(opts: LaurelBenchOptions): Promise<Row[]> {
  const db = await scratchDatabase(opts);
  const hanging = await startHangingServer();
  const laurel = await createLaurel({
    config: loadConfig({
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      LAUREL_WEBHOOK_CONCURRENCY: String(opts.concurrency),
      LAUREL_DELIVERY_CONCURRENCY: String(Math.max(256, opts.concurrency * 2)),
      LAUREL_DELIVERY_TIMEOUT: '10s',
      LAUREL_LEASE: '30s',
    }),
    roles: ['worker'],
  });
  try {
    await laurel.start();
    const environmentId = (await findEnvironmentByName(laurel.backend.db, 'production'))!.id;
    const now = Date.now();
    const [healthy] = await createWebhooks(laurel.backend.db, environmentId, [{ name: 'bench', url: opts.receiver.url, events: ['points.changed'] }], now);
    const label = opts.backend === 'sqlite' ? 'Laurel, SQLite' : 'Laurel, PostgreSQL';
    const rows: Row[] = [];

    // Warm-up: JIT, sockets, statement caches.
    await throughput(laurel, environmentId, healthy!.id, opts.receiver, Math.min(2_000, opts.total));

    opts.receiver.reset();
    const paced = await pacedLatency(laurel, environmentId, opts.receiver, opts.rate, opts.rateSeconds);

    // The neighbour's cost is a few per cent, and one run on these shared machines moves by ±15 %:
    // so healthy runs alternate with runs in which a second webhook, subscribed to the same
    // events, hangs on every request until its timeout (each event then also queues a delivery
    // that is never answered), and each hanging run is compared with the healthy runs on either
    // side of it. Each hanging run gets a new hanging webhook, so all of them start alike.
    const healthyRuns = [await throughput(laurel, environmentId, healthy!.id, opts.receiver, opts.total)];
    const hangingRuns = [];
    for (let i = 0; i < HANGING_RUNS; i++) {
      const [slow] = await createWebhooks(laurel.backend.db, environmentId, [{ name: `hangs ${i}`, url: hanging.url, events: ['points.changed'] }], Date.now());
      hangingRuns.push(await throughput(laurel, environmentId, healthy!.id, opts.receiver, opts.total));
      // Deleted rather than disabled: a disabled webhook's backlog would be failed ("webhook
      // disabled") delivery by delivery, and that work would land in the next healthy run.
      await deleteWebhooks(laurel.backend.db, environmentId, [slow!.id]);
      healthyRuns.push(await throughput(laurel, environmentId, healthy!.id, opts.receiver, opts.total));
    }
    const drops = hangingRuns.map((run, i) => 1 - run.perSecond / ((healthyRuns[i]!.perSecond + healthyRuns[i + 1]!.perSecond) / 2));
    const median = <T>(items: T[], key: (item: T) => number) => [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)]!;
    const medianDrop = median(drops, (d) => d);
    const percentChange = (d: number) => `${d >= 0 ? '+' : '−'}${(Math.abs(d) * 100).toFixed(1)}%`;
    const percent = (drop: number) => percentChange(-drop);
    const { cpu: firstCpu, ...first } = healthyRuns[0]!;
    // CPU per healthy delivery, median over the runs: Laurel's process, plus PostgreSQL's when it is the backend.
    const cpuUs = (run: { cpu: CpuReading }) => run.cpu.laurelUs + (opts.backend === 'postgres' ? (run.cpu.postgresUs ?? NaN) : 0);
    const healthyCpu = cpuUs(median(healthyRuns, cpuUs));
    const hangingCpu = cpuUs(median(hangingRuns, cpuUs));
    rows.push({
      name: label,
      ...first,
      note: `emit committed → signed POST → 200 → attempt recorded; CPU ${describeCpu(firstCpu, opts.backend)} per delivery (later healthy runs: ${healthyRuns.slice(1).map((r) => Math.round(r.perSecond)).join(', ')}/s)`,
    });
    rows.push({ name: `${label}, ${opts.rate}/s`, ...paced, note: 'commit → receipt latency at a steady rate' });
    const { cpu: _, ...medianHanging } = median(hangingRuns, (run) => run.perSecond);
    rows.push({
      name: `${label}, one webhook hanging`,
      ...medianHanging,
      note:
        `median of ${HANGING_RUNS} runs; healthy throughput against the healthy runs either side: ${drops.map(percent).join(', ')} (median ${percent(medianDrop)}, mean ${percent(drops.reduce((sum, d) => sum + d, 0) / drops.length)}); ` +
        `CPU per healthy delivery ${Math.round(hangingCpu)} µs against ${Math.round(healthyCpu)} µs in the healthy runs (medians, ${percentChange(hangingCpu / healthyCpu - 1)}); ${hanging.requests()} requests hanging`,
    });
    return rows;
  } finally {
    await laurel.close();
    await hanging.close();
    await db.drop();
  }
}

function describeCpu(cpu: CpuReading, backend: LaurelBenchOptions['backend']): string {
  const laurel = `${Math.round(cpu.laurelUs)} µs Laurel`;
  if (backend === 'sqlite') return laurel;
  return cpu.postgresUs === undefined ? laurel : `${laurel} + ${Math.round(cpu.postgresUs)} µs PostgreSQL`;
}

/**
 * Emits `total` events in transactions of EMIT_BATCH, as a batch producer would
 * (outbox.emitAll), and measures until the healthy receiver has answered every one and the
 * worker has recorded each of those attempts.
 */
async function throughput(laurel: Laurel, environmentId: string, healthyId: string, receiver: Receiver, total: number) {
  receiver.reset();
  const healthyCount = total;
  let recorded = 0;
  const allRecorded = new Promise<void>((resolve) => {
    const onSucceeded = (attempt: { webhookId: string }) => {
      if (attempt.webhookId === healthyId && ++recorded >= healthyCount) {
        laurel.worker!.off('delivery:succeeded', onSucceeded);
        resolve();
      }
    };
    laurel.worker!.on('delivery:succeeded', onSucceeded);
  });
  const cpuBefore = readCpu();
  const started = performance.now();
  for (let i = 0; i < total; i += EMIT_BATCH) {
    await laurel.backend.db.transaction().execute(async (trx) => {
      const now = Date.now();
      const batch = [];
      for (let j = i; j < Math.min(total, i + EMIT_BATCH); j++) {
        batch.push({ environmentId, type: 'points.changed' as const, payload: { type: 'points.changed', sequence: j, committedAt: now } as never });
      }
      await laurel.outbox.emitAll(trx, batch, now);
    });
    // Each batch stands for a separate request of the producing application, and between requests
    // its event loop runs other work. Without this, SQLite's synchronous statements ran the whole
    // loop as one turn of the event loop, and no delivery could start until every event was in.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await receiver.waitFor(healthyCount, 300_000);
  await allRecorded;
  const elapsedMs = performance.now() - started;
  const cpu = cpuPer(cpuBefore, readCpu(), healthyCount);
  const latencies = receiver.latenciesMs();
  return { perSecond: (healthyCount / elapsedMs) * 1000, elapsedMs, ok: healthyCount, failed: 0, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), cpu };
}

/**
 * One event per transaction, started on schedule at `rate` per second whether or not earlier ones
 * have committed, as concurrent requests of an application would emit them.
 */
async function pacedLatency(laurel: Laurel, environmentId: string, receiver: Receiver, rate: number, seconds: number) {
  const total = rate * seconds;
  const started = performance.now();
  const emits: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    emits.push(
      laurel.backend.db.transaction().execute(async (trx) => {
        const now = Date.now();
        // committedAt is stamped just before the emit; the receiver subtracts it from arrival time.
        await laurel.outbox.emit(trx, { environmentId, type: 'points.changed', payload: { type: 'points.changed', sequence: i, committedAt: now } as never }, now);
      }),
    );
  }
  await Promise.all(emits);
  await receiver.waitFor(total, 120_000);
  const elapsedMs = performance.now() - started;
  const latencies = receiver.latenciesMs();
  return { perSecond: (total / elapsedMs) * 1000, elapsedMs, ok: total, failed: 0, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

async function scratchDatabase(opts: LaurelBenchOptions): Promise<{ url: string; drop(): Promise<void> }> {
  if (opts.backend === 'sqlite') {
    const dir = `/tmp/laurel-bench-${randomBytes(4).toString('hex')}`;
    const { rm } = await import('node:fs/promises');
    return { url: `sqlite:${dir}/bench.db`, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const name = `laurel_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: opts.postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(opts.postgresUrl!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: opts.postgresUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A receiver that accepts every request and never answers: the worst neighbour a webhook can have. */
async function startHangingServer(): Promise<{ url: string; requests(): number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer(() => {
    requests++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
