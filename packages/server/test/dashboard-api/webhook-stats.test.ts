import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startHarness, type Harness } from '../delivery/helpers.js';
import { assertError } from '../support/assert-error.js';
import { fixturesFor } from '../support/fixtures.js';

const STATS = '/admin/v1/webhooks/stats';
const HOUR = 3_600_000;

/** Real deliveries to real receivers on 127.0.0.1, counted by GET /admin/v1/webhooks/stats. */
forEachBackend('webhook delivery stats', (database) => {
  let h: Harness;

  before(async () => {
    h = await startHarness(database());
  });
  after(() => h.close());

  const stats = async (query = '', key?: string) => {
    const response = await h.laurel.api('GET', `${STATS}${query}`, key ? { key } : {});
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body as any[];
  };

  test('counts succeeded, failed and unfinished deliveries per webhook within the window', async () => {
    const ok = await h.receiver();
    // The manual clock runs hours ahead of the receiver's, whose timestamp check would answer 400.
    ok.reply = () => ({ status: 200 });
    const a = await h.createWebhook({ receiver: ok });

    // One success, then two hours later another: a one-hour window sees only the second.
    const first = await h.sendTestEvent(a.id);
    await h.events.waitFor('delivery:succeeded', (e) => e.deliveryId === first);
    h.clock.advance(2 * HOUR);
    const second = await h.sendTestEvent(a.id);
    await h.events.waitFor('delivery:succeeded', (e) => e.deliveryId === second);
    const secondCreated = (await h.delivery(a.id, second)).created;

    const recent = await stats('?hours=1');
    assert.deepEqual(recent, [
      { webhookId: a.id, total: 1, succeeded: 1, failed: 0, pending: 0, successRate: 1, lastStatus: 'succeeded', lastDeliveryAt: secondCreated },
    ]);
    assert.deepEqual(await stats(), [{ ...recent[0], total: 2, succeeded: 2 }], 'the default window is 24 hours');

    // B: a 500 (retrying: unfinished) and then a 410 (failed for good). C never gets a delivery.
    const flaky = await h.receiver();
    flaky.reply = (_request, index) => ({ status: index === 0 ? 500 : 410 });
    const b = await h.createWebhook({ receiver: flaky });
    const c = await h.createWebhook({ receiver: ok });
    const retrying = await h.sendTestEvent(b.id);
    await h.events.waitFor('delivery:retrying', (e) => e.deliveryId === retrying);
    h.clock.advance(1_000);
    const failed = await h.sendTestEvent(b.id);
    await h.events.waitFor('delivery:failed', (e) => e.deliveryId === failed);
    const failedCreated = (await h.delivery(b.id, failed)).created;

    assert.deepEqual(await stats('?hours=24'), [
      { webhookId: a.id, total: 2, succeeded: 2, failed: 0, pending: 0, successRate: 1, lastStatus: 'succeeded', lastDeliveryAt: secondCreated },
      { webhookId: b.id, total: 2, succeeded: 0, failed: 1, pending: 1, successRate: 0, lastStatus: 'failed', lastDeliveryAt: failedCreated },
      { webhookId: c.id, total: 0, succeeded: 0, failed: 0, pending: 0, successRate: null, lastStatus: null, lastDeliveryAt: null },
    ]);

    // 169 hours later even the longest window (168 hours) holds none of them; the webhooks keep their rows.
    h.clock.advance(169 * HOUR);
    const empty = await stats('?hours=168');
    assert.deepEqual(
      empty.map((row) => [row.webhookId, row.total, row.successRate, row.lastStatus]),
      [a.id, b.id, c.id].map((id) => [id, 0, null, null]),
    );
  });

  test("another environment sees only its own webhooks, and none of this one's deliveries", async () => {
    const key = (await fixturesFor(h.laurel, 'stats-isolation')).key;
    assert.deepEqual(await stats('', key), []);
    const own = await h.createWebhook({ url: 'https://example.com/other', key });
    assert.deepEqual(await stats('', key), [
      { webhookId: own.id, total: 0, succeeded: 0, failed: 0, pending: 0, successRate: null, lastStatus: null, lastDeliveryAt: null },
    ]);
    assert.ok(!(await stats()).some((row) => row.webhookId === own.id), 'the development environment does not see it');
  });

  test('hours outside 1..168 or not an integer is refused with {error}', async () => {
    for (const hours of ['0', '169', '-1', '1.5', 'day']) {
      assertError(await h.laurel.api('GET', `${STATS}?hours=${hours}`), 422, /hours/);
    }
  });

  test('stats is not taken for a webhook id', async () => {
    const response = await h.laurel.api('GET', '/admin/v1/webhooks/stats/secret');
    assertError(response, 404, /Webhook not found: stats/);
  });
});
