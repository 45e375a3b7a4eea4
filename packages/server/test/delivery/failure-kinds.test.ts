import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { freePort } from '../support/server-process.js';
import { fakeResolver, startHarness, type Harness } from './helpers.js';

/** Each failure is logged on the attempt with what happened, and the delivery is scheduled for a retry. */
forEachBackend('failure kinds in the attempt log', (database) => {
  let h: Harness;

  before(async () => {
    h = await startHarness(database(), { resolve: fakeResolver({ 'hooks.example.test': '127.0.0.1' }) });
  });
  after(() => h.close());

  /** Sends a test event to `url` and returns its only attempt once it is recorded. */
  async function firstAttempt(url: string) {
    const { id: webhookId } = await h.createWebhook({ url });
    const deliveryId = await h.sendTestEvent(webhookId);
    await h.events.waitFor('delivery:attempt', (a) => a.deliveryId === deliveryId, { timeoutMs: 15_000 });
    const log = await h.delivery(webhookId, deliveryId);
    assert.equal(log.attempts.length, 1);
    return { log, attempt: log.attempts[0] };
  }

  test('a receiver that never answers times out after LAUREL_DELIVERY_TIMEOUT (1 s here)', async () => {
    const receiver = await h.receiver();
    receiver.reply = () => 'hang';
    const { log, attempt } = await firstAttempt(receiver.url);
    assert.equal(receiver.received.length, 1, 'the request reached the receiver');
    assert.equal(attempt.errorKind, 'timeout');
    assert.equal(attempt.statusCode, null);
    assert.match(attempt.errorMessage, /1000 ms/);
    assert.ok(attempt.latencyMs >= 950 && attempt.latencyMs < 5_000, `latency ${attempt.latencyMs} ms is about the timeout`);
    assert.equal(log.status, 'retrying');
  });

  test('a closed port is a connection failure', async () => {
    const { log, attempt } = await firstAttempt(`http://127.0.0.1:${await freePort()}/webhooks`);
    assert.equal(attempt.errorKind, 'connection');
    assert.match(attempt.errorMessage, /ECONNREFUSED/);
    assert.equal(attempt.statusCode, null);
    assert.equal(log.status, 'retrying');
  });

  test('a redirect is not followed and counts as a failure', async () => {
    const [redirecting, target] = [await h.receiver(), await h.receiver()];
    redirecting.reply = () => ({ status: 302, headers: { location: target.url } });
    const { log, attempt } = await firstAttempt(redirecting.url);
    assert.equal(attempt.statusCode, 302);
    assert.equal(attempt.errorKind, null);
    assert.equal(log.status, 'retrying');
    assert.equal(target.received.length, 0, 'the Location was not visited');
  });

  test('a response body with NUL bytes is logged (as U+FFFD), not refused by the database with the whole batch', async () => {
    const receiver = await h.receiver();
    receiver.reply = () => ({ status: 200, body: 'ok\u0000done' });
    const { log, attempt } = await firstAttempt(receiver.url);
    assert.equal(attempt.statusCode, 200);
    assert.equal(attempt.responseBody, 'ok\uFFFDdone');
    assert.equal(log.status, 'succeeded');
  });

  test('a 500 is logged with its response body, cut at 4 KiB', async () => {
    const receiver = await h.receiver();
    const body = 'stack trace line\n'.repeat(1_000);
    receiver.reply = () => ({ status: 500, body });
    const { log, attempt } = await firstAttempt(receiver.url);
    assert.equal(attempt.statusCode, 500);
    assert.equal(Buffer.byteLength(attempt.responseBody), 4096);
    assert.equal(attempt.responseBody, body.slice(0, 4096));
    assert.equal(log.status, 'retrying');
    assert.equal(log.lastAttempt.statusCode, 500, 'the list view shows the latest attempt too');
  });

  test('a name that does not resolve is a DNS failure', async () => {
    const { log, attempt } = await firstAttempt(`http://no-such-receiver.example.test:${await freePort()}/webhooks`);
    assert.equal(attempt.errorKind, 'dns');
    assert.match(attempt.errorMessage, /ENOTFOUND/);
    assert.equal(log.status, 'retrying');
  });

  test('a name that resolves is delivered (development mode allows loopback)', async () => {
    const receiver = await h.receiver();
    const { id: webhookId } = await h.createWebhook({ receiver, url: receiver.url.replace('127.0.0.1', 'hooks.example.test') });
    const deliveryId = await h.sendTestEvent(webhookId);
    await h.events.waitFor('delivery:succeeded', (a) => a.deliveryId === deliveryId);
    assert.equal(receiver.received.length, 1);
    assert.equal(receiver.received[0]!.headers.host, new URL(receiver.url).host.replace('127.0.0.1', 'hooks.example.test'));
  });

  test('latency is recorded for every attempt', async () => {
    const receiver = await h.receiver();
    receiver.reply = () => ({ status: 200, delayMs: 150 });
    const { log, attempt } = await firstAttempt(receiver.url);
    assert.equal(log.status, 'succeeded');
    assert.ok(attempt.latencyMs >= 140 && attempt.latencyMs < 1_000, `latency ${attempt.latencyMs} ms covers the receiver's 150 ms`);
    assert.ok(Number.isInteger(attempt.latencyMs));
  });
});
