// The raw limit: signed POSTs in a tight loop with the same client, no queue
// and no database. Nothing that delivers webhooks can beat this on this machine.
import { performance } from 'node:perf_hooks';
import { assertLoopback, createBenchClient, createSigner, type BenchClient } from './sign.js';

export interface RawLoopOptions {
  url: string;
  total: number;
  concurrency: number;
  body: string;
  /** Reuse a client (e.g. one warmed up); otherwise one is made and closed here. */
  client?: BenchClient;
  secret?: string;
  /** Hard stop for the whole run. */
  timeoutMs?: number;
}

export interface RawLoopResult {
  perSecond: number;
  elapsedMs: number;
  ok: number;
  failed: number;
}

export async function runRawLoop(opts: RawLoopOptions): Promise<RawLoopResult> {
  assertLoopback(opts.url);
  const client = opts.client ?? createBenchClient({ connections: opts.concurrency });
  const signer = createSigner(opts.secret);
  const deadline = performance.now() + (opts.timeoutMs ?? 120_000);
  let next = 0;
  let ok = 0;
  let failed = 0;

  // `concurrency` lanes pull from one counter, so exactly `total` requests go out.
  async function lane(): Promise<void> {
    while (next < opts.total && performance.now() < deadline) {
      next++;
      const headers = signer.sign(opts.body);
      headers['x-bench-sent-at'] = String(Date.now());
      if (await client.post(opts.url, opts.body, headers)) ok++;
      else failed++;
    }
  }

  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, lane));
  } finally {
    if (!opts.client) await client.close();
  }
  const elapsedMs = performance.now() - start;
  return { perSecond: (ok / elapsedMs) * 1000, elapsedMs, ok, failed };
}
