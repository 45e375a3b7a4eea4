import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, mock } from 'node:test';
import { createApp } from '../express/app.js';
import { createFirstLessonAchievement, createWebhook, deliveryOf, sendLesson, startLaurel, type Laurel } from './support/laurel.js';

describe('examples/express: express.raw, expressHandler and idempotency, with deliveries from a real Laurel', () => {
  let laurel: Laurel;
  let server: Server;
  let url: string;
  let webhook: { id: string; secret: string };
  const logs: string[] = [];
  /** The first request of each delivery, by webhook-id, as it arrived (the app itself sees only the events). */
  const received = new Map<string, { body: string; headers: Record<string, string> }>();
  let deliveryId: string;

  before(async () => {
    mock.method(console, 'error', () => {});
    laurel = await startLaurel();
    // The webhook's URL is needed to create it, and its secret to create the app: listen first.
    let app: RequestListener | undefined;
    server = createServer((req, res) => app!(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
    webhook = await createWebhook(laurel, url, ['achievement.completed']);
    const express = createApp({ secret: webhook.secret, log: (line) => logs.push(line) });
    app = (req, res) => {
      // A copy of the raw request for the tests, taken without touching the app's stream.
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const sent = Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name));
        const headers = Object.fromEntries(sent.map(([name, value]) => [name, String(value)]));
        const id = headers['webhook-id']!;
        if (!received.has(id)) received.set(id, { body: Buffer.concat(chunks).toString('utf8'), headers });
      });
      express(req, res);
    };
  });
  after(async () => {
    mock.restoreAll();
    await laurel?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('a metric event that completes an achievement is logged verified, and Laurel records 200', async () => {
    await createFirstLessonAchievement(laurel);
    await sendLesson(laurel, 'test-user');
    deliveryId = await deliveryOf(laurel, webhook.id, 'achievement.completed');
    const attempt = await laurel.attempt(deliveryId);
    assert.equal(attempt.statusCode, 200, attempt.responseBody ?? attempt.errorMessage ?? '');
    assert.deepEqual(JSON.parse(attempt.responseBody!), { received: true });
    assert.deepEqual(logs, [`verified achievement.completed: test-user earned "First lesson" (delivery ${deliveryId})`]);
  });

  it('a resend of the same delivery is answered 200 duplicate and not handled again', async () => {
    const resent = await laurel.api('POST', `/admin/v1/webhooks/${webhook.id}/deliveries/${deliveryId}/resend`);
    assert.equal(resent.status, 202, JSON.stringify(resent.body));
    const attempt = await laurel.attempt(deliveryId, 2);
    assert.equal(attempt.trigger, 'manual');
    assert.equal(attempt.statusCode, 200);
    assert.deepEqual(JSON.parse(attempt.responseBody!), { received: true, duplicate: true });
    assert.equal(logs.length, 1, 'handled once');
  });

  it('a second user completing it is a new delivery, handled', async () => {
    await sendLesson(laurel, 'second-user');
    const id = await deliveryOf(laurel, webhook.id, 'achievement.completed');
    assert.notEqual(id, deliveryId);
    assert.equal((await laurel.attempt(id)).statusCode, 200);
    assert.equal(logs.at(-1), `verified achievement.completed: second-user earned "First lesson" (delivery ${id})`);
  });

  it('a tampered body or a missing signature is refused with 401 and never reaches onEvent', async () => {
    const { body, headers } = received.get(deliveryId)!;
    const replay = (b: string, h: Record<string, string>) => fetch(url, { method: 'POST', headers: h, body: b });
    const tampered = await replay(body.replace('test-user', 'attacker'), headers);
    assert.equal(tampered.status, 401);
    assert.equal(((await tampered.json()) as { error: string }).error, 'no_matching_signature');
    const unsigned = await replay(body, { 'content-type': 'application/json' });
    assert.equal(unsigned.status, 401);
    assert.equal(((await unsigned.json()) as { error: string }).error, 'missing_signature');
    assert.equal(logs.length, 2);
    // The SDK's default report of a refusal: one line each on stderr.
    const refusals = (console.error as unknown as { mock: { calls: { arguments: unknown[] }[] } }).mock.calls.map((c) => String(c.arguments[0]));
    assert.equal(refusals.length, 2);
    assert.match(refusals[0]!, /^\[@laurel\/webhooks\] answered 401 no_matching_signature: /);
    assert.match(refusals[1]!, /^\[@laurel\/webhooks\] answered 401 missing_signature: /);
  });

  it('the same request sent again within the tolerance is answered 200 duplicate (the id was handled)', async () => {
    const { body, headers } = received.get(deliveryId)!;
    const response = await fetch(url, { method: 'POST', headers, body });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { received: true, duplicate: true });
    assert.equal(logs.length, 2);
  });
});
