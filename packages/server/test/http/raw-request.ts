/**
 * Small helpers for the webhook management API tests: valid inputs to vary, typed shortcuts for
 * the calls every test makes, and the two assertions most tests end with (an `{error}` answer,
 * and "nothing was written").
 */
import assert from 'node:assert/strict';
import { createApiKey } from '../../src/environments/api-keys.js';
import { createEnvironment } from '../../src/environments/environments.js';
import { catalogue } from '../../src/errors.js';
import type { TestLaurel } from '../support/laurel.js';

export const WEBHOOKS = '/admin/v1/webhooks';

export interface ApiResponse {
  status: number;
  body: any;
}

let sequence = 0;

/** A valid create item with a unique name and URL; override only what the test is about. */
export function webhookInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return { name: `hook ${sequence}`, url: `https://example.com/hooks/${sequence}`, events: ['achievement.completed'], ...overrides };
}

/** Creates one webhook (asserting 201) and returns it as the create call answered, secret included. */
export async function createWebhook(laurel: TestLaurel, overrides: Record<string, unknown> = {}, key?: string): Promise<any> {
  const response = await laurel.api('POST', WEBHOOKS, { body: [webhookInput(overrides)], ...(key ? { key } : {}) });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.created[0];
}

/** Every webhook the key can see (one page of 100 is plenty for a test). */
export async function listWebhooks(laurel: TestLaurel, key?: string): Promise<any[]> {
  const response = await laurel.api('GET', `${WEBHOOKS}?limit=100`, { ...(key ? { key } : {}) });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

/** A raw request with exactly these headers (for content-type and body-size cases the `api` helper can't express). */
export async function rawRequest(
  laurel: TestLaurel,
  options: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT'; url: string; headers?: Record<string, string>; payload?: string | Buffer },
): Promise<ApiResponse> {
  const response = await laurel.app!.inject({
    method: options.method,
    url: options.url,
    headers: { 'x-api-key': laurel.keys.development, ...options.headers },
    ...(options.payload === undefined ? {} : { payload: options.payload }),
  });
  let body: unknown = response.body;
  try {
    body = JSON.parse(response.body);
  } catch {}
  return { status: response.statusCode, body };
}

/** A new environment with its own admin key, made the way `laurel keys create --environment` does. */
export async function newEnvironmentKey(laurel: TestLaurel, name: string): Promise<string> {
  const db = laurel.backend.db;
  const environment = await createEnvironment(db, name, laurel.clock.now());
  assert.ok(environment, `environment ${name} already exists`);
  return (await createApiKey(db, environment.id, `test-${name}`, laurel.clock.now())).key;
}

/**
 * Asserts an error answer: this status, a body that is exactly `{error: "<string>", code}` with a
 * code of the catalogue that has this status, and a message matching every pattern.
 */
export function assertError(response: ApiResponse, status: number, ...patterns: RegExp[]): void {
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  assert.ok(response.body && typeof response.body === 'object', `expected a JSON body, got ${JSON.stringify(response.body)}`);
  assert.deepEqual(Object.keys(response.body), ['error', 'code']);
  assert.equal(typeof response.body.error, 'string');
  const entry = catalogue.find((e) => e.code === response.body.code);
  assert.equal(entry?.status, status, `code ${response.body.code} is a catalogue code of status ${status}`);
  for (const pattern of patterns) assert.match(response.body.error, pattern);
}

/**
 * Runs `act` and checks that no webhook, secret, event, delivery or attempt was added, changed or
 * removed, in any environment: a refused request must leave no partial write behind.
 */
export async function assertNothingWritten<T>(laurel: TestLaurel, act: () => Promise<T>): Promise<T> {
  const before = await storedState(laurel);
  const result = await act();
  assert.deepEqual(await storedState(laurel), before, 'the refused request changed stored state');
  return result;
}

async function storedState(laurel: TestLaurel) {
  const db = laurel.backend.db;
  return {
    webhooks: await db.selectFrom('webhooks').selectAll().orderBy('id').execute(),
    secrets: await db.selectFrom('webhook_secrets').selectAll().orderBy('id').execute(),
    events: await db.selectFrom('events').selectAll().orderBy('id').execute(),
    deliveries: await db.selectFrom('deliveries').selectAll().orderBy('id').execute(),
    attempts: await db.selectFrom('delivery_attempts').selectAll().orderBy('id').execute(),
  };
}
