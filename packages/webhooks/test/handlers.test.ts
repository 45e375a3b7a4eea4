import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createServer } from 'node:http';
import {
  expressHandler,
  idempotency,
  webhookHandler,
  type HandlerAnswer,
  type HandlerOptions,
  type VerifiedDelivery,
  type WebhookEvent,
} from '../src/index.js';
import { flavours, listen, type Running } from './support/flavours.js';
import { newSecret, sign, type Signed } from './support/signing.js';

async function post(url: string, signed: Pick<Signed, 'body' | 'headers'>): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), headers: response.headers };
}

for (const flavour of flavours) {
  describe(`${flavour.name} handler`, () => {
    const secret = newSecret();
    const handled: { event: WebhookEvent; delivery: VerifiedDelivery }[] = [];
    const errors: { error: unknown; answer: HandlerAnswer }[] = [];
    let skewMs = 0;
    let running: Running;

    before(async () => {
      const options: HandlerOptions = {
        secret,
        now: () => Date.now() + skewMs,
        idempotency: idempotency(),
        onEvent(event, delivery) {
          if (event.type === 'streak.lost' && event.length === 13) throw new Error('internal detail: db password wrong');
          handled.push({ event, delivery });
        },
        onError: (error, answer) => errors.push({ error, answer }),
      };
      running = await flavour.start(options);
    });
    after(() => running.close());

    it('answers 200 to a genuine delivery and hands the typed event and its id to onEvent', async () => {
      const signed = sign([secret], { type: 'achievement.completed' });
      const response = await post(running.url, signed);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { received: true });
      const last = handled.at(-1)!;
      assert.deepEqual(last.event, JSON.parse(signed.body));
      assert.equal(last.delivery.id, signed.id);
    });

    it('answers 401 no_matching_signature to a tampered body, and tells onError why', async () => {
      const signed = sign([secret]);
      const before = handled.length;
      const response = await post(running.url, { ...signed, body: signed.body.replace('"length":9', '"length":90') });
      assert.equal(response.status, 401);
      assert.equal(response.body.error, 'no_matching_signature');
      assert.equal(handled.length, before, 'onEvent was not called');
      assert.equal(errors.at(-1)!.answer.status, 401);
    });

    it('answers 401 to another secret and to a stale timestamp', async () => {
      const wrong = await post(running.url, sign([newSecret()]));
      assert.equal(wrong.status, 401);
      skewMs = 10 * 60_000;
      try {
        const stale = await post(running.url, sign([secret]));
        assert.equal(stale.status, 401);
        assert.equal(stale.body.error, 'stale_timestamp');
      } finally {
        skewMs = 0;
      }
    });

    it('answers 500 when onEvent throws, without sending the error\'s message, so Laurel retries', async () => {
      const signed = sign([secret], { body: JSON.stringify({ type: 'streak.lost', user: { id: 'u1' }, length: 13 }) });
      const response = await post(running.url, signed);
      assert.equal(response.status, 500);
      assert.equal(response.body.error, 'handler_failed');
      assert.doesNotMatch(JSON.stringify(response.body), /db password/);
      assert.match(String(errors.at(-1)!.error), /db password/, 'onError gets the real error');
    });

    it('runs a delivery id once: a resend answers 200 duplicate without calling onEvent', async () => {
      const first = sign([secret]);
      assert.equal((await post(running.url, first)).status, 200);
      const count = handled.length;
      const resend = sign([secret], { id: first.id, body: first.body, timestamp: first.timestamp + 60 });
      const response = await post(running.url, resend);
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { received: true, duplicate: true });
      assert.equal(handled.length, count);
    });

    it('retries a delivery whose handler failed: the claim was released', async () => {
      const body = JSON.stringify({ type: 'streak.lost', user: { id: 'u1' }, length: 13 });
      const failed = sign([secret], { body });
      assert.equal((await post(running.url, failed)).status, 500);
      const retry = sign([secret], { id: failed.id, body: JSON.stringify({ type: 'streak.lost', user: { id: 'u1' }, length: 14 }) });
      assert.equal((await post(running.url, retry)).status, 200);
    });

    it('answers 400 missing_header when Standard Webhooks headers are incomplete', async () => {
      const signed = sign([secret]);
      const { 'webhook-timestamp': _dropped, ...headers } = signed.headers;
      const response = await post(running.url, { body: signed.body, headers });
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'missing_header');
    });
  });
}

describe('Web Request handler, called directly as a Next.js route handler is', () => {
  const secret = newSecret();
  const events: WebhookEvent[] = [];
  const POST = webhookHandler({ secret, onEvent: (event) => void events.push(event), onError: () => {} });

  it('verifies a Request and answers a Response', async () => {
    const signed = sign([secret], { type: 'leaderboard.finished' });
    const response = await POST(new Request('https://example.test/api/webhooks', { method: 'POST', headers: signed.headers, body: signed.body }));
    assert.equal(response.status, 200);
    assert.equal(events.at(-1)!.type, 'leaderboard.finished');
  });

  it('answers 500 body_not_raw when something already read the Request\'s body', async () => {
    const signed = sign([secret]);
    const request = new Request('https://example.test/api/webhooks', { method: 'POST', headers: signed.headers, body: signed.body });
    await request.json();
    const response = await POST(request);
    assert.equal(response.status, 500);
    const body = await response.json();
    assert.equal(body.error, 'body_not_raw');
    assert.match(body.message, /already read/);
  });

  it('answers 405 to other methods, and 413 to a body over maxBodyBytes', async () => {
    const get = await POST(new Request('https://example.test/api/webhooks'));
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const small = webhookHandler({ secret, maxBodyBytes: 100, onEvent: () => {}, onError: () => {} });
    const signed = sign([secret]);
    const response = await small(new Request('https://example.test/', { method: 'POST', headers: signed.headers, body: signed.body }));
    assert.equal(response.status, 413);
  });
});

describe('Express behind express.json()', () => {
  let running: Running;
  const secret = newSecret();
  before(async () => {
    const app = express();
    app.use(express.json());
    app.post('/webhooks', expressHandler({ secret, onEvent: () => {}, onError: () => {} }));
    running = await listen(createServer(app));
  });
  after(() => running.close());

  it('answers 500 body_not_raw and says to mount the route before express.json()', async () => {
    const response = await post(running.url, sign([secret]));
    assert.equal(response.status, 500);
    assert.equal(response.body.error, 'body_not_raw');
    assert.match(response.body.message, /express\.json\(\).*before app\.use\(express\.json\(\)\)/s);
    assert.match(response.body.message, /Never JSON\.stringify\(req\.body\)/);
  });
});

describe('Fastify plugin', () => {
  it('keeps its raw parser inside the plugin: the rest of the app still parses JSON', async () => {
    const fastifyFlavour = flavours.find((f) => f.name === 'Fastify')!;
    const running = await fastifyFlavour.start({ secret: newSecret(), onEvent: () => {}, onError: () => {} });
    try {
      const response = await fetch(running.url.replace('/webhooks', '/echo'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
      assert.deepEqual(await response.json(), { a: 1 });
    } finally {
      await running.close();
    }
  });
});

describe('node:http handler', () => {
  it('answers 413 to a body over maxBodyBytes and 405 to a GET', async () => {
    const secret = newSecret();
    const { nodeHandler } = await import('../src/index.js');
    const running = await listen(createServer(nodeHandler({ secret, maxBodyBytes: 100, onEvent: () => {}, onError: () => {} })));
    try {
      const signed = sign([secret]);
      const response = await fetch(running.url, { method: 'POST', headers: signed.headers, body: signed.body }).catch((error) => error);
      // The handler stops reading at the limit; the answer is 413 unless the socket closed first.
      if (response instanceof Response) assert.equal(response.status, 413);
      assert.equal((await fetch(running.url)).status, 405);
    } finally {
      await running.close();
    }
  });
});
