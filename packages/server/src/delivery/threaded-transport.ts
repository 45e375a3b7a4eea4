import { Worker } from 'node:worker_threads';
import type { AttemptRequest, AttemptResult, Transport } from './transport.js';

export interface ThreadOptions {
  /** The SSRF policy's settings (production mode), or null for none. */
  policy: { allowPrivate: boolean; allowlist: string[] } | null;
  connectionsPerOrigin: number;
}

export type ToThread = { type: 'send'; batch: { id: number; request: AttemptRequest }[] } | { type: 'close' };
export type FromThread = { type: 'results'; batch: { id: number; result: AttemptResult }[] };

/**
 * Signs and sends on a thread of its own. On SQLite the worker's process runs its database on the
 * main thread, and HMACs plus HTTP were about a quarter of the CPU per delivery there; moving them
 * lets a second core carry that part. Requests and results cross in batches: one message per turn
 * of either event loop, not one per attempt.
 * If the thread dies, the attempts it held fail as connection errors (and are retried as such)
 * and the next send starts a new thread.
 */
export function createThreadedTransport(options: ThreadOptions): Transport {
  let thread: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, (result: AttemptResult) => void>();
  let outgoing: { id: number; request: AttemptRequest }[] = [];

  const start = (): Worker => {
    const { filename, evaluate } = threadEntry();
    const worker = new Worker(filename, { workerData: options, eval: evaluate });
    worker.on('message', (message: FromThread) => {
      for (const { id, result } of message.batch) settle(id, result);
    });
    worker.on('error', (error) => abandon(worker, `the delivery thread failed: ${error.message}`));
    worker.on('exit', () => abandon(worker, 'the delivery thread stopped'));
    return worker;
  };

  const settle = (id: number, result: AttemptResult) => {
    const resolve = pending.get(id);
    if (!resolve) return;
    pending.delete(id);
    resolve(result);
    // An idle thread must not keep the process alive; one with attempts in flight must.
    if (pending.size === 0) thread?.unref();
  };

  const abandon = (worker: Worker, message: string) => {
    if (thread !== worker) return;
    thread = undefined;
    for (const id of [...pending.keys()]) {
      settle(id, { outcome: { kind: 'error', error: 'connection', message, latencyMs: 0 }, requestHeaders: {} });
    }
  };

  const flush = () => {
    thread ??= start();
    thread.postMessage({ type: 'send', batch: outgoing } satisfies ToThread);
    outgoing = [];
  };

  // Started now, so the first delivery does not wait for the thread to boot; idle, it holds nothing open.
  thread = start();
  thread.unref();

  return {
    send(request) {
      return new Promise<AttemptResult>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        if (pending.size === 1) thread?.ref();
        // Attempts started in the same turn of the event loop cross together.
        if (outgoing.push({ id, request }) === 1) setImmediate(flush);
      });
    },
    async close() {
      const worker = thread;
      if (!worker) return;
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' } satisfies ToThread);
      await exited;
    },
  };
}

/**
 * The thread's entry. Under tsx (tests, benchmarks) this module is TypeScript, and tsx's loader
 * does not reach worker threads on its own, so a small bootstrap registers it there first.
 */
function threadEntry(): { filename: URL | string; evaluate: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { filename: new URL('./transport-thread.js', import.meta.url), evaluate: false };
  const entry = new URL('./transport-thread.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return { filename: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`, evaluate: true };
}
