/** Webhooks made through the Admin API: valid inputs to vary, and typed shortcuts for the calls most suites make. */
import assert from 'node:assert/strict';
import type { TestLaurel } from './laurel.js';

export const WEBHOOKS = '/admin/v1/webhooks';

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
