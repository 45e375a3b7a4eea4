/**
 * A real receiver on loopback behind a webhook of one environment, for the suites that follow
 * webhooks end to end (leaderboard runs, boosts, the pipeline's activity webhooks): every body it
 * is sent is checked (Trophy's signature, the type header, Trophy's reference schema for the type)
 * and kept, so a test can wait for what it expects and count what it did not.
 */
import assert from 'node:assert/strict';
import type { TestLaurel } from './laurel.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './receiver.js';
import { loadReference, webhookValidator } from './reference-schemas.js';

/** The environment a sink listens to (a FixtureEnvironment or Fixtures). */
type Env = { id: string; key: string };

export interface WebhookSink {
  receiver: Receiver;
  /** The bodies received so far of this type that match, in arrival order, each once (redeliveries left out). */
  bodies(type: string, match?: (body: any) => boolean): any[];
  /** Waits until `count` such bodies have arrived, and returns them. */
  waitFor(type: string, count: number, match?: (body: any) => boolean): Promise<any[]>;
  close(): Promise<void>;
}

export async function startWebhookSink(laurel: TestLaurel, env: Env, events: string[]): Promise<WebhookSink> {
  const receiver = await startReceiver();
  // Trophy's signature alone: Standard Webhooks receivers also refuse timestamps 5 minutes off their own clock, and these tests move the clock.
  receiver.reply = (request) => ({ status: request.trophyVerified ? 200 : 400 });
  const created = await laurel.api('POST', '/admin/v1/webhooks', { key: env.key, body: [{ name: 'lifecycle', url: receiver.url, events }] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  receiver.secrets = [created.body.created[0].secret];

  const checked = new WeakSet<ReceivedRequest>();
  const bodies = (type: string, match: (body: any) => boolean = () => true) => {
    const seen = new Set<string>();
    const out: any[] = [];
    for (const request of receiver.received) {
      if (!checked.has(request)) {
        assert.ok(request.trophyVerified, 'X-Trophy-Signature is the base64 HMAC-SHA256 of the raw body');
        assert.equal(request.headers['x-trophy-event-type'], request.payload.type);
        if (loadReference()) assert.deepEqual(webhookValidator(request.payload.type)(request.payload), [], `${request.payload.type}: ${request.body}`);
        checked.add(request);
      }
      const id = String(request.headers['webhook-id']);
      if (request.payload.type !== type || seen.has(id) || !match(request.payload)) continue;
      seen.add(id);
      out.push(request.payload);
    }
    return out;
  };
  return {
    receiver,
    bodies,
    async waitFor(type, count, match) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = bodies(type, match);
        if (found.length >= count) return found;
        if (Date.now() > deadline) throw new Error(`${found.length} of ${count} ${type} webhooks arrived within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => receiver.close(),
  };
}

/** How many events of this type the outbox holds for the environment (what was emitted, delivered or not). */
export async function emittedCount(laurel: TestLaurel, env: Env, type: string, match: (payload: any) => boolean = () => true): Promise<number> {
  const rows = await laurel.backend.db.selectFrom('events').select('payload').where('environment_id', '=', env.id).where('type', '=', type).execute();
  return rows.filter((row) => match(JSON.parse(row.payload))).length;
}
