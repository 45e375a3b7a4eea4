import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideNext } from '../../src/delivery/decide-next.js';
import type { AttemptOutcome } from '../../src/delivery/http-sender.js';

const MINUTE = 60_000;
const schedule = [1 * MINUTE, 2 * MINUTE, 4 * MINUTE];
const now = Date.UTC(2026, 0, 1);
const middle = () => 0.5;

const response = (status: number, retryAfter: string | null = null): AttemptOutcome => ({ kind: 'response', status, body: '', retryAfter, latencyMs: 3 });
const error = (kind: 'timeout' | 'connection' | 'dns' | 'refused_by_policy'): AttemptOutcome => ({ kind: 'error', error: kind, message: kind, latencyMs: 3 });
const first = { number: 1, trigger: 'first' as const };

describe('decideNext', () => {
  it('any 2xx succeeds', () => {
    for (const status of [200, 201, 202, 204, 299]) {
      assert.deepEqual(decideNext(response(status), first, now, schedule, middle), { next: { status: 'succeeded' }, gone: false }, String(status));
    }
  });

  it('any other status, a redirect included, is a failure that is retried on schedule', () => {
    for (const status of [199, 301, 302, 307, 400, 404, 429, 500, 502, 503]) {
      assert.deepEqual(decideNext(response(status), first, now, schedule, middle), { next: { status: 'retrying', at: now + MINUTE }, gone: false }, String(status));
    }
  });

  it('timeouts, connection and DNS errors are retried', () => {
    for (const kind of ['timeout', 'connection', 'dns'] as const) {
      assert.deepEqual(decideNext(error(kind), { number: 2, trigger: 'retry' }, now, schedule, middle), { next: { status: 'retrying', at: now + 2 * MINUTE }, gone: false }, kind);
    }
  });

  it('fails for good once the schedule is exhausted', () => {
    assert.deepEqual(decideNext(response(500), { number: 3, trigger: 'retry' }, now, schedule, middle).next, { status: 'retrying', at: now + 4 * MINUTE });
    assert.deepEqual(decideNext(response(500), { number: 4, trigger: 'retry' }, now, schedule, middle), { next: { status: 'failed' }, gone: false });
  });

  it('410 Gone fails the delivery and asks for the webhook to be disabled', () => {
    assert.deepEqual(decideNext(response(410), first, now, schedule, middle), { next: { status: 'failed' }, gone: true });
    assert.deepEqual(decideNext(response(410), { number: 1, trigger: 'manual' }, now, schedule, middle), { next: { status: 'failed' }, gone: true });
  });

  it('an address refused by the SSRF policy is not retried: the next attempt would be refused too', () => {
    assert.deepEqual(decideNext(error('refused_by_policy'), first, now, schedule, middle), { next: { status: 'failed' }, gone: false });
  });

  it('a failed manual resend is not retried automatically, but a successful one succeeds', () => {
    const manual = { number: 5, trigger: 'manual' as const };
    assert.deepEqual(decideNext(response(500), { number: 1, trigger: 'manual' }, now, schedule, middle), { next: { status: 'failed' }, gone: false });
    assert.deepEqual(decideNext(error('timeout'), manual, now, schedule, middle), { next: { status: 'failed' }, gone: false });
    assert.deepEqual(decideNext(response(200), manual, now, schedule, middle), { next: { status: 'succeeded' }, gone: false });
  });

  it('passes Retry-After to the retry policy (bounded by twice the scheduled delay)', () => {
    assert.deepEqual(decideNext(response(503, '90'), first, now, schedule, middle).next, { status: 'retrying', at: now + 90_000 });
    assert.deepEqual(decideNext(response(429, '3600'), first, now, schedule, middle).next, { status: 'retrying', at: now + 2 * MINUTE });
  });
});
