import { ManualClock, type Clock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createApiKey } from '../../src/environments/api-keys.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { createLaurel, type Laurel, type LaurelOptions } from '../../src/laurel.js';
import type { WorkerEvents } from '../../src/delivery/worker.js';

/**
 * A real Laurel (HTTP API + worker + database) for a test, with admin keys for both default
 * environments. Requests go through `inject` (no socket) unless a test needs the network.
 */
export interface TestLaurel extends Laurel {
  keys: { production: string; development: string };
  clock: Clock;
  api(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options?: { body?: unknown; key?: string | null; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
  /** Resolves with the first event of this name whose first argument matches. */
  next<E extends keyof WorkerEvents>(event: E, match?: (...args: WorkerEvents[E]) => boolean, timeoutMs?: number): Promise<WorkerEvents[E]>;
}

export interface TestLaurelOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  clock?: Clock;
  resolve?: LaurelOptions['resolve'];
  roles?: LaurelOptions['roles'];
  /** The worker's idle poll; tests that must progress without it set it very long. */
  pollIntervalMs?: number;
}

export async function startTestLaurel(options: TestLaurelOptions): Promise<TestLaurel> {
  const config: Config = loadConfig({ DATABASE_URL: options.databaseUrl, LOG_LEVEL: 'silent', ...options.env });
  const clock = options.clock ?? new ManualClock(Date.now());
  const laurel = await createLaurel({
    config,
    clock,
    roles: options.roles ?? ['api', 'worker'],
    random: () => 0.5,
    ...(options.resolve ? { resolve: options.resolve } : {}),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
  const keys = {
    production: await keyFor(laurel, 'production'),
    development: await keyFor(laurel, 'development'),
  };
  if (laurel.worker) await laurel.worker.start();
  if (laurel.app) await laurel.app.ready();
  return {
    ...laurel,
    keys,
    clock,
    async api(method, path, { body, key, rawBody, headers: extra } = {}) {
      const headers: Record<string, string> = { ...extra };
      const apiKey = key === undefined ? keys.development : key;
      if (apiKey !== null) headers['x-api-key'] = apiKey;
      if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
      const response = await laurel.app!.inject({ method, url: path, headers, payload: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)) });
      let parsed: unknown = response.body;
      try {
        parsed = JSON.parse(response.body);
      } catch {}
      return { status: response.statusCode, body: parsed };
    },
    next(event, match, timeoutMs = 10_000) {
      const worker = laurel.worker!;
      return new Promise((resolve, reject) => {
        const listener = (...args: any[]) => {
          if (match && !(match as (...a: any[]) => boolean)(...args)) return;
          clearTimeout(timer);
          worker.off(event, listener as never);
          resolve(args as never);
        };
        const timer = setTimeout(() => {
          worker.off(event, listener as never);
          reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
        }, timeoutMs);
        worker.on(event, listener as never);
      });
    },
  };
}

async function keyFor(laurel: Laurel, environment: string): Promise<string> {
  const env = await findEnvironmentByName(laurel.backend.db, environment);
  return (await createApiKey(laurel.backend.db, env!.id, `test-${environment}`, Date.now())).key;
}
