/**
 * The SDK conformance suite drives a real Laurel over HTTP with Trophy's official Node SDK
 * (`@trophyso/node` 1.0.42, and 1.0.21 as `@trophyso/node-1.0.21` for apps still on it), so every
 * response goes through the SDK's own (strict) parsers.
 * Configuration the SDK cannot make (attributes, metrics, achievements, streak settings) goes
 * through Laurel's Admin API with plain fetch.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TrophyApi, TrophyApiClient, TrophyApiError } from '@trophyso/node';
import { TrophyApi as LegacyTrophyApi, TrophyApiClient as LegacyTrophyApiClient, TrophyApiError as LegacyTrophyApiError } from '@trophyso/node-1.0.21';
import { ManualClock } from '../../src/clock.js';
import { catalogue } from '../../src/errors.js';
import { Fixtures, createFixtureEnvironment, httpCaller, unique } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

export { LegacyTrophyApi, LegacyTrophyApiClient, TrophyApi, TrophyApiClient, TrophyApiError };

/** A request the server received from the SDK (recognised by its X-Fern-Language header). */
export interface SdkHit {
  method: string;
  path: string;
  query: string;
  /** The status the server answered (set when the response finished). */
  status?: number;
}

export interface SdkServer {
  laurel: TestLaurel;
  clock: ManualClock;
  url: string;
  /** Every request the SDK made, in order: a retry shows up as a second identical hit. */
  hits: SdkHit[];
  /** A fresh environment (settings and data are per environment) with its own key and SDK client. */
  environment(): Promise<SdkEnvironment>;
  /** An SDK client with any key (for 401 cases). */
  client(apiKey: string): TrophyApiClient;
  /** A client of the older SDK, 1.0.21 (installed as @trophyso/node-1.0.21), which takes one base URL. */
  legacyClient(apiKey: string): LegacyTrophyApiClient;
  close(): Promise<void>;
}

export interface SdkEnvironment {
  id: string;
  key: string;
  trophy: TrophyApiClient;
  /** Laurel's Admin API with plain fetch; asserts the status when `expect` is given. */
  admin(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, expect?: number): Promise<any>;
  attributes(items: { key: string; type: 'user' | 'event' }[]): Promise<{ id: string; key: string }[]>;
  metrics(keys: string[]): Promise<{ id: string; key: string; name: string }[]>;
  achievements(items: Record<string, unknown>[]): Promise<{ id: string; key: string; name: string }[]>;
  streakSettings(body: Record<string, unknown>): Promise<any>;
  /** The shared builders (test/support/fixtures.ts) for this environment, over HTTP. */
  fixtures: Fixtures;
}

/** Starts Laurel on a real socket (the SDK uses fetch) with a ManualClock at `now`. */
export async function startSdkServer(databaseUrl: string, now = Date.UTC(2026, 2, 11, 12)): Promise<SdkServer> {
  const clock = new ManualClock(now);
  const laurel = await startTestLaurel({ databaseUrl, roles: ['api'], clock });
  const hits: SdkHit[] = [];
  laurel.app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers['x-fern-language'] === undefined) return;
    const [path = '', query = ''] = (request.url ?? '').split('?');
    const hit: SdkHit = { method: request.method ?? '', path, query };
    hits.push(hit);
    response.on('finish', () => {
      hit.status = response.statusCode;
    });
  });
  await laurel.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = laurel.app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const client = (apiKey: string) => new TrophyApiClient({ apiKey, environment: { api: `${url}/v1`, admin: `${url}/admin/v1` } });
  const legacyClient = (apiKey: string) => new LegacyTrophyApiClient({ apiKey, environment: `${url}/v1` });

  return {
    laurel,
    clock,
    url,
    hits,
    client,
    legacyClient,
    close: () => laurel.close(),
    async environment() {
      const created = await createFixtureEnvironment(laurel.backend.db, clock.now(), unique('sdk'));
      const key = created.key;
      const fixtures = new Fixtures(httpCaller(url), created);
      const admin: SdkEnvironment['admin'] = async (method, path, body, expect) => {
        const response = await fetch(`${url}/admin/v1${path}`, {
          method,
          headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        const parsed = text ? JSON.parse(text) : undefined;
        if (expect !== undefined) assert.equal(response.status, expect, `${method} ${path}: ${text.slice(0, 500)}`);
        return parsed;
      };
      return {
        id: created.id,
        key,
        trophy: client(key),
        admin,
        fixtures,
        async attributes(items) {
          const body = await admin('POST', '/attributes', items.map((item) => ({ name: item.key, ...item })), 201);
          assert.deepEqual(body.issues, []);
          return body.created;
        },
        async metrics(keys) {
          const body = await admin('POST', '/metrics', keys.map((key) => ({ name: `Metric ${key}`, key })), 201);
          assert.deepEqual(body.issues, []);
          return body.created;
        },
        async achievements(items) {
          const body = await admin('POST', '/achievements', items.map((item) => ({ status: 'active', ...item })), 201);
          assert.deepEqual(body.issues, []);
          return body.created;
        },
        streakSettings: (body) => admin('PUT', '/streaks/settings', body, 200),
      };
    },
  };
}

/** Asserts the SDK made exactly `count` requests while `run` ran (no retries). */
export async function sdkRequests<T>(server: SdkServer, count: number, run: () => Promise<T>): Promise<T> {
  const before = server.hits.length;
  let result: T | undefined;
  let failure: unknown;
  try {
    result = await run();
  } catch (error) {
    failure = error;
  }
  const made = server.hits.slice(before);
  assert.equal(made.length, count, `the SDK made ${made.length} requests (retries?): ${JSON.stringify(made)}`);
  if (failure !== undefined) throw failure;
  return result as T;
}

type ErrorClass = abstract new (...args: any[]) => TrophyApiError | LegacyTrophyApiError;

/**
 * Asserts that the SDK threw `kind` (one of its typed errors, or TrophyApiError for statuses the
 * SDK method has no typed error for; of either SDK version) with this status and an `{error}`
 * body, after exactly one request (no retry). Returns the error message the server sent.
 */
export async function expectSdkError(server: SdkServer, call: () => Promise<unknown>, kind: ErrorClass, statusCode: number, message?: RegExp): Promise<string> {
  const error = await sdkRequests(server, 1, async () => {
    try {
      await call();
    } catch (error) {
      return error;
    }
    assert.fail(`expected ${kind.name} ${statusCode}, but the call succeeded`);
  });
  assert.ok(error instanceof TrophyApiError || error instanceof LegacyTrophyApiError, `expected a TrophyApiError, got ${String(error)}`);
  // The typed errors are exact classes; a generic TrophyApiError must not be a typed subclass.
  assert.equal(error.constructor, kind, `expected ${kind.name}, got ${error.constructor.name} (status ${error.statusCode}): ${JSON.stringify(error.body)}`);
  assert.equal(error.statusCode, statusCode, JSON.stringify(error.body));
  const body = error.body as { error?: unknown; code?: unknown };
  assert.equal(typeof body?.error, 'string', `error body must be {error: string}: ${JSON.stringify(error.body)}`);
  // Laurel's additive code reaches the SDK's caller too: its parsers keep keys they do not know.
  assert.ok(catalogue.some((entry) => entry.code === body.code && entry.status === statusCode), `a catalogue code of status ${statusCode}: ${JSON.stringify(error.body)}`);
  if (message) assert.match(body.error as string, message);
  return body.error as string;
}

/** The status of the last SDK request. */
export function lastStatus(server: SdkServer): number | undefined {
  return server.hits[server.hits.length - 1]?.status;
}
