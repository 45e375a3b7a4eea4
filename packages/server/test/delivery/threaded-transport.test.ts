import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createThreadedTransport } from '../../src/delivery/threaded-transport.js';
import type { AttemptRequest, Transport } from '../../src/delivery/transport.js';

const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64');

describe('threaded transport (signing and sending on the delivery thread)', () => {
  let server: Server;
  let url: string;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];

  before(async () => {
    // Answers each request with its own webhook-id after a random pause, so answers come back out of order.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        setTimeout(() => res.writeHead(req.url === '/gone' ? 410 : 200).end(`answer to ${req.headers['webhook-id']}`), Math.random() * 20);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = (i: number, path = '/hook'): AttemptRequest => ({
    url: url + path,
    timeoutMs: 5_000,
    deliveryId: `delivery-${i}`,
    eventType: 'points.changed',
    timestamp: 1_800_000_000 + i,
    body: JSON.stringify({ type: 'points.changed', sequence: i }),
    secrets: [SECRET],
    userAgent: 'Laurel-Webhooks/test',
  });

  it('gives every attempt its own outcome and headers, signed on the thread', async (t) => {
    const transport = createThreadedTransport({ policy: null, connectionsPerOrigin: 16 });
    t.after(() => transport.close());
    received.length = 0;
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => transport.send(request(i, i % 10 === 0 ? '/gone' : '/hook'))));
    assert.equal(received.length, 300);
    results.forEach(({ outcome, requestHeaders }, i) => {
      assert.equal(outcome.kind, 'response');
      if (outcome.kind !== 'response') return;
      assert.equal(outcome.status, i % 10 === 0 ? 410 : 200);
      assert.equal(outcome.body, `answer to delivery-${i}`);
      assert.equal(requestHeaders['webhook-id'], `delivery-${i}`);
      const body = request(i).body;
      assert.equal(requestHeaders['x-trophy-signature'], createHmac('sha256', SECRET).update(body).digest('base64'));
    });
    // What the receiver got is what the results say was sent.
    for (const { headers, body } of received) {
      const i = Number(String(headers['webhook-id']).slice('delivery-'.length));
      assert.equal(body, request(i).body);
      assert.equal(headers['x-trophy-signature'], results[i]!.requestHeaders['x-trophy-signature']);
      assert.equal(headers['webhook-signature'], results[i]!.requestHeaders['webhook-signature']);
    }
  });

  it("applies production mode's address policy on the thread", async (t) => {
    const transport = createThreadedTransport({ policy: { allowPrivate: false, allowlist: [] }, connectionsPerOrigin: 2 });
    t.after(() => transport.close());
    const { outcome } = await transport.send(request(1));
    assert.equal(outcome.kind, 'error');
    assert.equal(outcome.kind === 'error' && outcome.error, 'refused_by_policy');

    const allowlisted = createThreadedTransport({ policy: { allowPrivate: false, allowlist: ['127.0.0.1/32'] }, connectionsPerOrigin: 2 });
    t.after(() => allowlisted.close());
    assert.equal((await allowlisted.send(request(2))).outcome.kind, 'response');
  });

  it('an attempt that cannot be signed fails alone; the thread goes on serving the rest', async (t) => {
    const transport = createThreadedTransport({ policy: null, connectionsPerOrigin: 2 });
    t.after(() => transport.close());
    const [unsigned, fine] = await Promise.all([transport.send({ ...request(1), secrets: [] }), transport.send(request(2))]);
    assert.equal(unsigned.outcome.kind, 'error');
    assert.match(unsigned.outcome.kind === 'error' ? unsigned.outcome.message : '', /secret/);
    assert.equal(fine.outcome.kind === 'response' && fine.outcome.status, 200);
    assert.equal((await transport.send(request(3))).outcome.kind, 'response', 'the same thread still answers');
  });

  it('close() lets attempts in flight finish first', async () => {
    const transport: Transport = createThreadedTransport({ policy: null, connectionsPerOrigin: 4 });
    const inFlight = Promise.all([1, 2, 3].map((i) => transport.send(request(i))));
    // Wait until the requests have left the thread, then close while they are being answered.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await transport.close();
    for (const { outcome } of await inFlight) assert.equal(outcome.kind === 'response' && outcome.status, 200);
  });
});
