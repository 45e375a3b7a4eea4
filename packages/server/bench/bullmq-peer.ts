// The peer: what a team would build instead of Laurel, a BullMQ queue on Redis
// with a worker that signs and POSTs each job. Same signing and client as the
// raw loop, so the difference between the two is the queue's cost.
import { performance } from 'node:perf_hooks';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { assertLoopback, createBenchClient, createSigner, sampleEvent, type SampleEvent } from './sign.js';

export interface BullmqPeerOptions {
  url: string;
  total: number;
  concurrency: number;
  redisUrl?: string;
  secret?: string;
  /** Hard stop for the whole run. */
  timeoutMs?: number;
  /**
   * Keep each job with its attempt's record (status, latency, response body, headers sent) as its
   * return value, as Laurel's delivery log keeps every attempt. Otherwise completed jobs are
   * dropped, as a queue that only has to send would be tuned.
   */
  keepAttempts?: boolean;
}

export type BullmqPeerResult = { perSecond: number; elapsedMs: number; ok: number; failed: number } | { skipped: string };

type EventJob = SampleEvent & { committedAt: number };

const CHUNK = 1000;

export async function runBullmqPeer(opts: BullmqPeerOptions): Promise<BullmqPeerResult> {
  assertLoopback(opts.url);
  const redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
  assertLoopback(redisUrl);
  const problem = await probeRedis(redisUrl, 1000);
  if (problem) return { skipped: `Redis not reachable at ${redisUrl} (${problem})` };

  // ioredis retries forever by default; give up after a few seconds so a Redis
  // that dies mid-run ends the run instead of hanging it.
  const connOpts: RedisOptions = { maxRetriesPerRequest: null, retryStrategy: (n) => (n > 10 ? null : 200) };
  const queueConn = new Redis(redisUrl, connOpts);
  const workerConn = new Redis(redisUrl, connOpts);
  for (const c of [queueConn, workerConn]) c.on('error', () => {}); // surfaced by the run timing out

  const name = `laurel-bench-${process.pid}-${Date.now()}`;
  const queue = new Queue<EventJob>(name, {
    connection: queueConn,
    defaultJobOptions: opts.keepAttempts ? { removeOnComplete: false, removeOnFail: false } : { removeOnComplete: true, removeOnFail: 1000 },
  });
  const client = createBenchClient({ connections: opts.concurrency });
  const signer = createSigner(opts.secret);

  let ok = 0;
  let failed = 0;
  let onDone = (): void => {};
  const done = new Promise<void>((resolve) => (onDone = resolve));
  const settle = (): void => {
    if (ok + failed >= opts.total) onDone();
  };

  const worker = new Worker<EventJob>(
    name,
    async (job: Job<EventJob>) => {
      const body = JSON.stringify(job.data);
      const headers = signer.sign(body, job.data.type);
      if (!opts.keepAttempts) {
        if (!(await client.post(opts.url, body, headers))) throw new Error('delivery was not answered with 2xx');
        return;
      }
      const startedAt = Date.now();
      const response = await client.send(opts.url, body, headers);
      const attempt = { startedAt, latencyMs: Date.now() - startedAt, status: response?.status ?? null, responseBody: response?.body ?? null, requestHeaders: headers };
      if (!response || response.status < 200 || response.status >= 300) throw new Error(`delivery failed: ${JSON.stringify(attempt)}`);
      return attempt;
    },
    { connection: workerConn, concurrency: opts.concurrency },
  );
  worker.on('completed', () => (ok++, settle()));
  worker.on('failed', () => (failed++, settle()));
  worker.on('error', () => {});

  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    const timeoutMs = opts.timeoutMs ?? 180_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));

    const start = performance.now();
    for (let i = 0; i < opts.total; i += CHUNK) {
      const n = Math.min(CHUNK, opts.total - i);
      // committedAt = enqueue time, so the receiver measures enqueue-to-delivery like Laurel's commit-to-delivery.
      const jobs = Array.from({ length: n }, (_, k) => ({
        name: 'deliver',
        data: { ...sampleEvent(i + k), committedAt: Date.now() },
      }));
      await queue.addBulk(jobs);
    }
    settle(); // total = 0
    const outcome = await Promise.race([done, timedOut]);
    const elapsedMs = performance.now() - start;
    clearTimeout(timer);
    if (outcome === 'timeout') throw new Error(`BullMQ peer finished ${ok + failed} of ${opts.total} jobs within ${timeoutMs} ms`);
    return { perSecond: (ok / elapsedMs) * 1000, elapsedMs, ok, failed };
  } finally {
    await worker.close(true).catch(() => {});
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close().catch(() => {});
    await client.close();
    queueConn.disconnect();
    workerConn.disconnect();
  }
}

/** Resolves to null if Redis answers PING within `timeoutMs`, else to the reason. */
async function probeRedis(redisUrl: string, timeoutMs: number): Promise<string | null> {
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null, // one try: the default would retry forever
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  let lastError = '';
  probe.on('error', (err: Error) => (lastError = err.message)); // e.g. ECONNREFUSED, clearer than "Connection is closed."
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([probe.connect().then(() => probe.ping()), timeout]);
    return null;
  } catch (err) {
    return lastError || (err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}
