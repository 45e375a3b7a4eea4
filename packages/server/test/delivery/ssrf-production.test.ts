import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import type { Receiver } from '../support/receiver.js';
import { fakeResolver, startHarness, type Harness } from './helpers.js';

/** A customer's hostname that a (malicious or careless) DNS answer points at the loopback interface. */
const resolve = fakeResolver({ 'hooks.customer.example': '127.0.0.1' });

/** The same receiver reached three ways: a literal IPv4, its IPv4-mapped IPv6 form, and a hostname resolving to it. */
const forms = (receiverUrl: string) => {
  const { port } = new URL(receiverUrl);
  return {
    'literal 127.0.0.1': `http://127.0.0.1:${port}/webhooks`,
    'IPv4-mapped [::ffff:127.0.0.1]': `http://[::ffff:127.0.0.1]:${port}/webhooks`,
    'a hostname resolving to 127.0.0.1': `http://hooks.customer.example:${port}/webhooks`,
  };
};

/** One at a time: each webhook has its own secret, and the receiver checks against the latest. */
async function deliverTo(h: Harness, receiver: Receiver, url: string) {
  const { id: webhookId } = await h.createWebhook({ receiver, url });
  const deliveryId = await h.sendTestEvent(webhookId);
  const attempt = await h.events.waitFor('delivery:attempt', (a) => a.deliveryId === deliveryId);
  return { attempt, log: await h.delivery(webhookId, deliveryId) };
}

forEachBackend('SSRF guard in production mode', (database) => {
  test('loopback in any form is refused by policy, failed at once, and never reached', async (t) => {
    const h = await startHarness(database(), { env: { LAUREL_MODE: 'production' }, resolve });
    t.after(() => h.close());
    assert.equal(h.laurel.config.mode, 'production');
    const receiver = await h.receiver();

    for (const [form, url] of Object.entries(forms(receiver.url))) {
      const { attempt, log } = await deliverTo(h, receiver, url);
      assert.equal(attempt.errorKind, 'refused_by_policy', form);
      assert.match(attempt.errorMessage!, /not allowed by the delivery network policy/, form);
      assert.equal(log.status, 'failed', `${form}: not retried, the address will not change`);
      assert.equal(log.nextAttemptAt, null, form);
      assert.deepEqual(log.attempts.map((a: any) => [a.trigger, a.statusCode, a.errorKind]), [['first', null, 'refused_by_policy']], form);
    }
    assert.equal(receiver.received.length, 0, 'the receiver got nothing');
  });

  test('LAUREL_WEBHOOK_ALLOWLIST=127.0.0.1/32 lets the same deliveries through', async (t) => {
    const h = await startHarness(database(), { env: { LAUREL_MODE: 'production', LAUREL_WEBHOOK_ALLOWLIST: '127.0.0.1/32' }, resolve });
    t.after(() => h.close());
    const receiver = await h.receiver();

    for (const [form, url] of Object.entries(forms(receiver.url))) {
      const { attempt, log } = await deliverTo(h, receiver, url);
      assert.equal(attempt.statusCode, 200, form);
      assert.equal(log.status, 'succeeded', form);
    }
    assert.equal(receiver.received.length, 3);
    assert.ok(receiver.received.every((r) => r.trophyVerified && r.standardVerified));
  });
});
