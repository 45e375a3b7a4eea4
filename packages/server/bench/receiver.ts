// A webhook receiver for the delivery benchmark. It runs in a child process
// (receiver-process.ts) rather than in-process: on a 2-core machine an
// in-process server would share one event loop with the sender and the
// benchmark would measure the two halving each other's CPU, not the sender.
// Counts and latencies come back over IPC in batches; waitFor() is decided in
// the child so it resolves as soon as the n-th request has been answered.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromReceiver } from './receiver-process.js';

export interface Receiver {
  url: string;
  /** Requests answered since start or the last reset (fresh to within ~50 ms; exact after waitFor). */
  count(): number;
  waitFor(n: number, timeoutMs: number): Promise<void>;
  /** receivedAt - sentAt (header `x-bench-sent-at`) or - committedAt (JSON body), in ms. */
  latenciesMs(): number[];
  /** Call while no requests are in flight: later ones would count in the new epoch. */
  reset(): void;
  close(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 15_000;

export async function startReceiver(opts: { port?: number } = {}): Promise<Receiver> {
  const script = fileURLToPath(new URL('./receiver-process.ts', import.meta.url));
  const child = fork(script, [], {
    // Resolve tsx from here, so the child works whatever the cwd is.
    execArgv: ['--import', import.meta.resolve('tsx')],
    env: { ...process.env, BENCH_RECEIVER_PORT: String(opts.port ?? 0) },
    serialization: 'advanced', // Float64Array batches cross IPC without JSON
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  let epoch = 0;
  let count = 0;
  let latencies: number[] = [];
  let nextWaiterId = 0;
  const waiters = new Map<number, () => void>();
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('receiver did not start in time')), STARTUP_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`receiver exited during startup (code ${code})`)));
    child.on('message', (msg: FromReceiver) => {
      if (msg.type === 'listening') {
        clearTimeout(timer);
        resolve(msg.port);
      } else if (msg.type === 'update') {
        if (msg.epoch !== epoch) return; // from before a reset
        count = msg.count;
        for (const l of msg.latencies) latencies.push(l);
      } else if (msg.type === 'reached') {
        waiters.get(msg.id)?.();
      }
    });
  }).catch((err: unknown) => {
    child.kill();
    throw err;
  });

  return {
    url: `http://127.0.0.1:${port}/webhook`,
    count: () => count,
    latenciesMs: () => latencies.slice(),
    reset() {
      epoch++;
      count = 0;
      latencies = [];
      child.send({ type: 'reset', epoch });
    },
    waitFor(n, timeoutMs) {
      if (count >= n) return Promise.resolve();
      const id = nextWaiterId++;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(id);
          reject(new Error(`receiver saw ${count} of ${n} requests within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(id, () => {
          clearTimeout(timer);
          waiters.delete(id);
          resolve();
        });
        child.send({ type: 'waitFor', id, n });
      });
    },
    async close() {
      if (exited) return;
      child.send({ type: 'close' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exitedP;
      clearTimeout(killer);
    },
  };
}
