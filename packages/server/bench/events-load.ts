// Load generators for the metric-event benchmark (events.ts): autocannon for the closed-loop
// throughput and fixed-rate runs, and a paced open-loop sender for the latency an application
// sees at a steady rate. Both send the same requests: `POST /v1/metrics/{key}/event` with
// `{ user: { id: 'user-<n>' }, value: 1 }` (and the user attribute city when asked), users taken
// round-robin, a unique Idempotency-Key each.
import { setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import { Pool } from 'undici';
import { percentile } from './stats.js';

// autocannon ships no types and @types/autocannon is not installed: the part used here, typed.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  setupRequest?: (req: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  ignoreCoordinatedOmission?: boolean;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
}
interface Histogram {
  p50: number;
  p99: number;
  average: number;
  max: number;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Histogram;
  requests: Histogram & { sent: number };
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: AutocannonOptions) => Promise<AutocannonResult>;

export interface LoadTarget {
  /** Server origin, e.g. http://127.0.0.1:8080 */
  origin: string;
  metricKey: string;
  apiKey?: string;
  /** Distinct users the events are spread over. */
  users: number;
  /**
   * With a number, each user carries the user attribute `city` (one of this many, by user number):
   * what a leaderboard broken down by city groups them by.
   */
  cities?: number;
}

export interface LoadResult {
  /** 2xx responses per second over the run. */
  perSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Status code → count, for the report when something went wrong. */
  statuses: Record<string, number>;
  /** The first non-2xx response body, if any. */
  firstFailure?: string;
}

/** Unique per benchmark process: keys never repeat across phases, backends or warm-ups. */
let sequence = 0;
const runId = Math.random().toString(36).slice(2, 8);

function nextEvent(target: LoadTarget): { body: string; idempotencyKey: string } {
  const n = sequence++;
  const id = n % target.users;
  const user = target.cities ? { id: `user-${id}`, attributes: { city: `city-${id % target.cities}` } } : { id: `user-${id}` };
  return { body: JSON.stringify({ user, value: 1 }), idempotencyKey: `bench-${runId}-${n}` };
}

function baseHeaders(target: LoadTarget): Record<string, string> {
  return { 'content-type': 'application/json', ...(target.apiKey ? { 'x-api-key': target.apiKey } : {}) };
}

/**
 * autocannon against the event endpoint. With `rate`, autocannon's overallRate: each connection
 * sends its share of the second's requests back to back from the start of each second, then
 * waits (so this measures bursts, not a smooth rate; see pacedLoad).
 */
export async function autocannonLoad(target: LoadTarget, opts: { connections: number; seconds: number; rate?: number }): Promise<LoadResult> {
  let firstFailure: string | undefined;
  const result = await autocannon({
    url: target.origin,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate
      ? {
          overallRate: opts.rate,
          // autocannon "corrects" for coordinated omission with an expected interval of
          // ceil(1 / per-connection rate) = 1 ms, i.e. invents a sample for every millisecond
          // of each response's latency. The rate here is far below capacity, so record what was measured.
          ignoreCoordinatedOmission: true,
        }
      : {}),
    headers: baseHeaders(target),
    requests: [
      {
        method: 'POST',
        path: `/v1/metrics/${target.metricKey}/event`,
        setupRequest(req) {
          const event = nextEvent(target);
          req.headers = { ...req.headers, 'idempotency-key': event.idempotencyKey };
          req.body = event.body;
          return req;
        },
        onResponse(status, body) {
          if ((status < 200 || status > 299) && firstFailure === undefined) firstFailure = `${status} ${body.slice(0, 500)}`;
        },
      },
    ],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  return {
    perSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}

/** How long a paced run waits for answers after its last request was due, before giving up on them. */
const PACED_GRACE_MS = 10_000;

/**
 * Open-loop, evenly paced: request i is due at start + i / rate and is sent then whether or not
 * earlier ones have been answered (up to `connections` sockets; the rest queue in the client).
 * Latency runs from the due time, so a sender or a server that falls behind counts against the
 * server, never in its favour. A server slower than the rate builds a backlog: requests still
 * unanswered PACED_GRACE_MS after the last one was due are abandoned and counted as
 * `unanswered`, with that wait as their (lower-bound) latency.
 */
export async function pacedLoad(
  target: LoadTarget,
  opts: { connections: number; seconds: number; rate: number },
): Promise<LoadResult & { lateSends: number; unanswered: number }> {
  const url = new URL(target.origin);
  const pool = new Pool(url.origin, { connections: opts.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const headers = baseHeaders(target);
  const path = `/v1/metrics/${target.metricKey}/event`;
  const total = Math.round(opts.rate * opts.seconds);
  const intervalMs = 1000 / opts.rate;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let unanswered = 0;
  let lateSends = 0; // sent more than 5 ms after their due time: the generator could not keep up
  let firstFailure: string | undefined;
  const inFlight: Promise<void>[] = [];
  const abandon = new AbortController();
  setMaxListeners(0, abandon.signal); // one signal for every request of the run

  const send = async (due: number): Promise<void> => {
    const event = nextEvent(target);
    try {
      const res = await pool.request({
        method: 'POST',
        path,
        headers: { ...headers, 'idempotency-key': event.idempotencyKey },
        body: event.body,
        signal: abandon.signal,
      });
      const body = await res.body.text();
      latencies.push(performance.now() - due);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 200 && res.statusCode <= 299) ok++;
      else {
        non2xx++;
        firstFailure ??= `${res.statusCode} ${body.slice(0, 500)}`;
      }
    } catch (error) {
      if (abandon.signal.aborted) {
        unanswered++;
        latencies.push(performance.now() - due);
      } else {
        errors++;
        firstFailure ??= `error ${(error as Error).message}`;
      }
    }
  };

  const started = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    for (; i < total && started + i * intervalMs <= now; i++) {
      const due = started + i * intervalMs;
      if (now - due > 5) lateSends++;
      inFlight.push(send(due));
    }
    const wait = started + i * intervalMs - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  }
  const grace = setTimeout(() => abandon.abort(), PACED_GRACE_MS);
  await Promise.all(inFlight);
  clearTimeout(grace);
  const elapsedMs = performance.now() - started;
  await pool.destroy();
  return {
    perSecond: (ok / elapsedMs) * 1000,
    ok,
    non2xx,
    errors,
    unanswered,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    statuses,
    lateSends,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}
