import assert from 'node:assert/strict';
import { catalogue } from '../../src/errors.js';

export interface ApiResponse {
  status: number;
  body: any;
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
