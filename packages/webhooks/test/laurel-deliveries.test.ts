import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
// The real server, started in-process as its own tests do (tests only: the SDK never imports it).
import type { ManualClock } from '../../server/src/clock.js';
import { recordAttempts, type AttemptLog } from '../../server/test/support/attempts.js';
import { startTestLaurel, type TestLaurel } from '../../server/test/support/laurel.js';
import { eventTypes, idempotency, type EventType, type HandlerOptions, type VerifiedDelivery, type WebhookEvent } from '../src/index.js';
import { flavours, type Running } from './support/flavours.js';
import { summary } from './support/summary.js';

/** One receiver per handler flavour, each behind its own webhook, with settings a test can change. */
interface Target {
  flavour: string;
  webhookId: string;
  /** What Laurel gave at creation. */
  secret: string;
  /** What the receiver currently trusts. */
  trusted: string | string[];
  skewMs: number;
  failOn: EventType | undefined;
  handled: { event: WebhookEvent; delivery: VerifiedDelivery }[];
  running: Running;
}

describe('deliveries from a real Laurel server, received by every handler flavour [sqlite]', () => {
  let dir: string;
  let laurel: TestLaurel;
  const targets: Target[] = [];
  let attempt: AttemptLog['attempt'];

  async function sendTest(target: Target, type: EventType): Promise<string> {
    const sent = await laurel.api('POST', `/admin/v1/webhooks/${target.webhookId}/test`, { body: { type } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    return sent.body.id;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'laurel-webhooks-sdk-'));
    laurel = await startTestLaurel({ databaseUrl: `sqlite:${join(dir, 'laurel.db')}` });
    attempt = recordAttempts(laurel.worker!).attempt;
    for (const flavour of flavours) {
      const target = { flavour: flavour.name, skewMs: 0, failOn: undefined, handled: [] } as unknown as Target;
      const options: HandlerOptions = {
        get secret() {
          return target.trusted;
        },
        now: () => laurel.clock.now() + target.skewMs,
        idempotency: idempotency(),
        onEvent(event, delivery) {
          if (event.type === target.failOn) throw new Error(`${event.type} is not handled yet`);
          target.handled.push({ event, delivery });
        },
        onError: () => {},
      };
      target.running = await flavour.start(options);
      const created = await laurel.api('POST', '/admin/v1/webhooks', {
        body: [{ name: flavour.name, url: target.running.url, events: [...eventTypes] }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      target.webhookId = created.body.created[0].id;
      target.secret = created.body.created[0].secret;
      target.trusted = target.secret;
      targets.push(target);
    }
  });
  after(async () => {
    await laurel?.close();
    for (const target of targets) await target.running.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('all 18 event types verify in every flavour and narrow on type; Laurel logs each as succeeded', async () => {
    const sent = new Map<string, { target: Target; type: EventType }>();
    for (const target of targets) {
      for (const type of eventTypes) sent.set(await sendTest(target, type), { target, type });
    }
    for (const [deliveryId, { target, type }] of sent) {
      const result = await attempt(deliveryId);
      assert.equal(result.statusCode, 200, `${target.flavour} ${type}: ${result.responseBody}`);
      assert.equal(result.next.status, 'succeeded');
    }
    for (const target of targets) {
      assert.deepEqual(target.handled.map((h) => h.event.type).sort(), [...eventTypes].sort(), target.flavour);
      for (const { event, delivery } of target.handled) {
        assert.equal(sent.get(delivery.id!)?.type, event.type, 'the delivery id is webhook-id');
        assert.equal(delivery.scheme, 'standard-webhooks');
        assert.doesNotMatch(summary(event), /unknown|undefined/, `${target.flavour} ${event.type}: ${summary(event)}`);
      }
      const logged = await laurel.api('GET', `/admin/v1/webhooks/${target.webhookId}/deliveries/${target.handled[0]!.delivery.id}`);
      assert.deepEqual(logged.body.payload, target.handled[0]!.event, 'the event is the payload Laurel stored');
    }
  });

  it('a receiver with another secret answers 401, and Laurel logs why and schedules a retry', async () => {
    for (const target of targets) {
      target.trusted = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
      try {
        const result = await attempt(await sendTest(target, 'streak.lost'));
        assert.equal(result.statusCode, 401, target.flavour);
        assert.equal(JSON.parse(result.responseBody!).error, 'no_matching_signature');
        assert.equal(result.next.status, 'retrying');
      } finally {
        target.trusted = target.secret;
      }
    }
  });

  it('a handler that throws answers 500, and Laurel retries', async () => {
    for (const target of targets) {
      target.failOn = 'points.changed';
      try {
        const result = await attempt(await sendTest(target, 'points.changed'));
        assert.equal(result.statusCode, 500, target.flavour);
        assert.equal(JSON.parse(result.responseBody!).error, 'handler_failed');
        assert.equal(result.next.status, 'retrying');
      } finally {
        target.failOn = undefined;
      }
    }
  });

  it('a receiver whose clock is 10 minutes ahead answers 401 stale_timestamp', async () => {
    for (const target of targets) {
      target.skewMs = 10 * 60_000;
      try {
        const result = await attempt(await sendTest(target, 'streak.started'));
        assert.equal(result.statusCode, 401, target.flavour);
        assert.equal(JSON.parse(result.responseBody!).error, 'stale_timestamp');
      } finally {
        target.skewMs = 0;
      }
    }
  });

  it('a resend carries the same webhook-id: the idempotency helper answers 200 duplicate and onEvent runs once', async () => {
    for (const target of targets) {
      const deliveryId = await sendTest(target, 'achievement.completed');
      assert.equal((await attempt(deliveryId)).statusCode, 200);
      const count = target.handled.length;
      const resent = await laurel.api('POST', `/admin/v1/webhooks/${target.webhookId}/deliveries/${deliveryId}/resend`);
      assert.equal(resent.status, 202, JSON.stringify(resent.body));
      const second = await attempt(deliveryId, 2);
      assert.equal(second.statusCode, 200, target.flavour);
      assert.equal(second.trigger, 'manual');
      assert.deepEqual(JSON.parse(second.responseBody!), { received: true, duplicate: true });
      assert.equal(target.handled.length, count, `${target.flavour}: onEvent ran once`);
    }
  });

  it('a server-side rotation with overlap: the old and the new secret both verify until the overlap ends', async () => {
    const clock = laurel.clock as ManualClock;
    for (const target of targets) {
      const rotated = await laurel.api('POST', `/admin/v1/webhooks/${target.webhookId}/secret/rotate`, { body: { overlapSeconds: 3600 } });
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      target.secret = rotated.body.secret;
      const old = rotated.body.previousSecrets[0].secret;
      for (const trusted of [old, target.secret, [target.secret, old]]) {
        target.trusted = trusted;
        const result = await attempt(await sendTest(target, 'streak.extended'));
        assert.equal(result.statusCode, 200, `${target.flavour} during the overlap: ${result.responseBody}`);
      }
      target.trusted = old;
    }
    clock.advance(3601_000);
    for (const target of targets) {
      const stale = await attempt(await sendTest(target, 'streak.extended'));
      assert.equal(stale.statusCode, 401, `${target.flavour}: the old secret no longer signs after the overlap`);
      target.trusted = target.secret;
      const fresh = await attempt(await sendTest(target, 'streak.extended'));
      assert.equal(fresh.statusCode, 200, target.flavour);
    }
  });
});
