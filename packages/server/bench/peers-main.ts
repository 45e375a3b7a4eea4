// The peer and raw-limit half of the delivery benchmark, runnable alone:
//   node --import tsx bench/peers-main.ts [--total N] [--concurrency C] [--warmup W] [--redis-url URL]
// runPeers() is what bench/delivery.ts calls to put Laurel's row beside these.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { runBullmqPeer } from './bullmq-peer.js';
import { startDurableRedis, type Fsync } from './durable-redis.js';
import { runRawLoop } from './raw-loop.js';
import { startReceiver, type Receiver } from './receiver.js';
import { createBenchClient, sampleEvent } from './sign.js';
import { formatTable, percentile, type Row } from './stats.js';

export interface PeersOptions {
  receiver: Receiver;
  total: number;
  concurrency: number;
  /** Raw-loop requests sent first and not measured (JIT, sockets). */
  warmup: number;
  redisUrl?: string;
}

/** Runs the raw loop then the BullMQ peer against `receiver`; leaves it reset. */
export async function runPeers(opts: PeersOptions): Promise<Row[]> {
  const { receiver, total, concurrency } = opts;
  const body = JSON.stringify(sampleEvent(0));
  const rows: Row[] = [];

  // One client for warm-up and run, so the measured run starts on open sockets.
  const client = createBenchClient({ connections: concurrency });
  try {
    if (opts.warmup > 0) await runRawLoop({ url: receiver.url, total: opts.warmup, concurrency, body, client });
    receiver.reset();
    const raw = await runRawLoop({ url: receiver.url, total, concurrency, body, client });
    rows.push({ name: 'raw signed POST loop', ...raw, ...await latencies(receiver, raw.ok), note: 'send → receive' });
  } finally {
    await client.close();
  }

  receiver.reset();
  const peer = await runBullmqPeer({ url: receiver.url, total, concurrency, redisUrl: opts.redisUrl });
  if ('skipped' in peer) rows.push({ name: 'BullMQ + Redis', note: `skipped: ${peer.skipped}` });
  else rows.push({ name: 'BullMQ + Redis', ...peer, ...await latencies(receiver, peer.ok), note: 'enqueue → receive; Redis without persistence' });
  receiver.reset();

  // The same peer on a Redis that keeps its jobs, as Laurel does: fsync once a second is the
  // durability of SQLite in WAL mode with synchronous=NORMAL; fsync always that of PostgreSQL's commits.
  // The last row does Laurel's whole job: every job on disk, and each one kept with the record of
  // its attempt (BullMQ stores a job's return value with it), as Laurel's delivery log keeps attempts.
  const durableRuns: { fsync: Fsync; keepAttempts: boolean; name: string; note: string }[] = [
    { fsync: 'everysec', keepAttempts: false, name: 'BullMQ + Redis, AOF fsync everysec', note: 'enqueue → receive; every job on disk' },
    { fsync: 'always', keepAttempts: false, name: 'BullMQ + Redis, AOF fsync always', note: 'enqueue → receive; every job on disk' },
    { fsync: 'always', keepAttempts: true, name: 'BullMQ + Redis, fsync always, attempts kept', note: 'enqueue → receive; every job on disk, kept with its attempt' },
  ];
  for (const { fsync, keepAttempts, name, note } of durableRuns) {
    const redis = await startDurableRedis(fsync);
    if (!redis) {
      rows.push({ name, note: 'skipped: no redis-server on PATH' });
      continue;
    }
    try {
      const durable = await runBullmqPeer({ url: receiver.url, total, concurrency, redisUrl: redis.url, keepAttempts });
      if ('skipped' in durable) rows.push({ name, note: `skipped: ${durable.skipped}` });
      else rows.push({ name, ...durable, ...await latencies(receiver, durable.ok), note });
    } finally {
      await redis.stop();
      receiver.reset();
    }
  }
  return rows;
}

async function latencies(receiver: Receiver, expected: number): Promise<Pick<Row, 'p50Ms' | 'p99Ms'>> {
  await receiver.waitFor(expected, 5000);
  const samples = receiver.latenciesMs();
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      total: { type: 'string', default: '20000' },
      concurrency: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '2000' },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    },
  });
  const int = (name: string, v: string, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`--${name} must be an integer in 0..${max}`);
    return n;
  };
  const total = int('total', values.total, 1_000_000);
  const concurrency = Math.max(1, int('concurrency', values.concurrency, 1000));
  const warmup = int('warmup', values.warmup, 100_000);

  // Whatever happens, this process ends on its own.
  setTimeout(() => {
    console.error('bench: giving up after 10 minutes');
    process.exit(1);
  }, 600_000).unref();

  const receiver = await startReceiver();
  try {
    console.log(`delivery peers: total=${total} concurrency=${concurrency} warmup=${warmup} (node ${process.version})`);
    const rows = await runPeers({ receiver, total, concurrency, warmup, redisUrl: values['redis-url'] });
    console.log(formatTable(rows));
  } finally {
    await receiver.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
