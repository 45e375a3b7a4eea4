import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { loadReference, webhookValidator } from '../support/reference-schemas.js';

forEachBackend('send test event end to end', (database) => {
  let laurel: TestLaurel;
  let receiver: Receiver;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url });
    receiver = await startReceiver();
  });
  after(async () => {
    await laurel.close();
    await receiver.close();
  });

  test('a test event arrives signed both ways and is logged as succeeded', async () => {
    const created = await laurel.api('POST', '/admin/v1/webhooks', {
      body: [{ name: 'local handler', url: receiver.url, events: ['achievement.completed'] }],
    });
    assert.equal(created.status, 201);
    const webhook = created.body.created[0];
    assert.match(webhook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.secrets = [webhook.secret];

    const succeeded = laurel.next('delivery:succeeded');
    const sent = await laurel.api('POST', `/admin/v1/webhooks/${webhook.id}/test`, { body: { type: 'achievement.completed' } });
    assert.equal(sent.status, 202);
    // Read back right after the commit: the worker may already have claimed (or even delivered) it.
    assert.ok(['pending', 'delivering', 'succeeded'].includes(sent.body.status), `status right after the test event: ${sent.body.status}`);
    const [request] = await receiver.waitFor(1);
    await succeeded;

    assert.ok(request!.trophyVerified, 'X-Trophy-Signature verifies with Trophy\'s algorithm');
    assert.ok(request!.standardVerified, 'Standard Webhooks signature verifies');
    assert.equal(request!.headers['content-type'], 'application/json');
    assert.match(String(request!.headers['user-agent']), /^Laurel-Webhooks\/\d+\.\d+\.\d+$/);
    assert.equal(request!.headers['webhook-id'], sent.body.id);
    assert.equal(request!.payload.type, 'achievement.completed');
    if (loadReference()) assert.deepEqual(webhookValidator('achievement.completed')(request!.payload), []);

    const log = await laurel.api('GET', `/admin/v1/webhooks/${webhook.id}/deliveries/${sent.body.id}`);
    assert.equal(log.status, 200);
    assert.equal(log.body.status, 'succeeded');
    assert.equal(log.body.attempts.length, 1);
    assert.equal(log.body.attempts[0].statusCode, 200);
    assert.equal(log.body.attempts[0].trigger, 'first');
    assert.deepEqual(log.body.payload, request!.payload);
  });
});
