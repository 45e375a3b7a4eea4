import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it, mock } from 'node:test';
import { eventTypes } from '@laurel/webhooks';
// The server's own signer, for the one request a real delivery cannot be: an old one.
import { signatureHeaders } from '../../packages/server/src/delivery/signer.js';
import * as trophyRoute from '../nextjs-app-router/app/api/trophy-webhooks/route.js';
import * as route from '../nextjs-app-router/app/api/webhooks/route.js';
import { serveRoutes, type AppRouter, type Received } from './support/app-router.js';
import { createFirstLessonAchievement, createWebhook, deliveryOf, sendLesson, startLaurel, type Laurel } from './support/laurel.js';

const post = (body: string, headers: Record<string, string>) =>
  new Request('http://localhost:3000/api/webhooks', { method: 'POST', headers, body });

describe('examples/nextjs-app-router: the route handlers, with deliveries from a real Laurel', () => {
  let laurel: Laurel;
  let app: AppRouter;
  let logs: string[] = [];
  /** achievement.completed as Laurel delivered it to /api/webhooks: the exact body and headers. */
  let delivered: Received;
  let secret: string;

  before(async () => {
    laurel = await startLaurel();
    app = await serveRoutes({ '/api/webhooks': route, '/api/trophy-webhooks': trophyRoute });
    for (const method of ['log', 'error'] as const) mock.method(console, method, (line: unknown) => void logs.push(String(line)));
  });
  after(async () => {
    mock.restoreAll();
    await laurel?.stop();
    await app?.close();
  });
  beforeEach(() => {
    logs = [];
  });

  it('a metric event that completes an achievement reaches POST /api/webhooks verified; Laurel logs 200', async () => {
    const webhook = await createWebhook(laurel, `${app.origin}/api/webhooks`, ['achievement.completed']);
    secret = webhook.secret;
    process.env.LAUREL_WEBHOOK_SECRET = secret;
    await createFirstLessonAchievement(laurel);

    const sent = await sendLesson(laurel, 'test-user');
    assert.deepEqual(sent.achievements.map((a) => a.key), ['first-lesson']);
    const deliveryId = await deliveryOf(laurel, webhook.id, 'achievement.completed');
    const attempt = await laurel.attempt(deliveryId);
    assert.equal(attempt.statusCode, 200, attempt.responseBody ?? attempt.errorMessage ?? '');
    assert.equal(attempt.next.status, 'succeeded');
    assert.deepEqual(logs, ['verified achievement.completed: test-user earned "First lesson"']);

    delivered = app.received.find((r) => r.headers['webhook-id'] === deliveryId)!;
    assert.equal(delivered.headers['x-trophy-event-type'], 'achievement.completed');
  });

  it('all 18 event types answer 200: three handled by the switch, the rest by its default', async () => {
    const { id, secret: its } = await createWebhook(laurel, `${app.origin}/api/webhooks`, ['streak.lost']);
    process.env.LAUREL_WEBHOOK_SECRET = its;
    try {
      for (const type of eventTypes) {
        const sent = await laurel.api('POST', `/admin/v1/webhooks/${id}/test`, { body: { type } });
        const attempt = await laurel.attempt(sent.body.id);
        assert.equal(attempt.statusCode, 200, `${type}: ${attempt.responseBody}`);
      }
    } finally {
      process.env.LAUREL_WEBHOOK_SECRET = secret;
    }
    assert.equal(logs.length, eventTypes.length);
    assert.match(logs.find((l) => l.startsWith('verified streak.extended'))!, /^verified streak\.extended: \S+ has a (daily|weekly|monthly) streak of \d+$/);
    assert.match(logs.find((l) => l.startsWith('verified streak.lost'))!, /^verified streak\.lost: \S+ lost a streak of \d+$/);
    assert.ok(logs.includes('verified leaderboard.rank_changed: not handled here'));
  });

  it("POST(request) with Laurel's delivery again answers 200; with only X-Trophy-Signature (as Trophy sends) too", async () => {
    const again = await route.POST(post(delivered.body, delivered.headers));
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { received: true });
    const trophyOnly = Object.fromEntries(Object.entries(delivered.headers).filter(([name]) => !name.startsWith('webhook-')));
    assert.equal((await route.POST(post(delivered.body, trophyOnly))).status, 200);
    assert.equal(logs.length, 2);
  });

  it('POST(request) answers 403 to a tampered body, a missing signature, another secret and a replay older than 5 minutes', async () => {
    const refusals: [string, Request][] = [
      ['no_matching_signature', post(delivered.body.replace('test-user', 'attacker'), delivered.headers)],
      ['missing_signature', post(delivered.body, { 'content-type': 'application/json' })],
      [
        'stale_timestamp',
        post(
          delivered.body,
          signatureHeaders({
            deliveryId: delivered.headers['webhook-id']!,
            eventType: 'achievement.completed',
            timestamp: Math.floor(Date.now() / 1000) - 600,
            body: delivered.body,
            secrets: [secret],
            userAgent: delivered.headers['user-agent']!,
          }),
        ),
      ],
    ];
    for (const [code, request] of refusals) {
      const response = await route.POST(request);
      assert.equal(response.status, 403, code);
      assert.deepEqual(await response.json(), { error: code });
    }
    process.env.LAUREL_WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
    try {
      assert.equal((await route.POST(post(delivered.body, delivered.headers))).status, 403, 'another secret');
    } finally {
      process.env.LAUREL_WEBHOOK_SECRET = secret;
    }
    assert.equal(logs.length, 4);
    assert.ok(logs.every((line) => line.startsWith('refused a webhook: ')), logs.join('\n'));
  });

  it('POST(request) answers 500 invalid_secret while LAUREL_WEBHOOK_SECRET is unset, so Laurel retries once it is set', async () => {
    delete process.env.LAUREL_WEBHOOK_SECRET;
    try {
      const response = await route.POST(post(delivered.body, delivered.headers));
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { error: 'invalid_secret' });
    } finally {
      process.env.LAUREL_WEBHOOK_SECRET = secret;
    }
  });

  it("the Trophy-style route (no SDK) verifies Laurel's X-Trophy-Signature and answers 403 to anything else", async () => {
    const webhook = await createWebhook(laurel, `${app.origin}/api/trophy-webhooks`, ['points.changed']);
    process.env.LAUREL_WEBHOOK_SECRET = webhook.secret;
    try {
      const sent = await laurel.api('POST', `/admin/v1/webhooks/${webhook.id}/test`, { body: { type: 'points.changed' } });
      const attempt = await laurel.attempt(sent.body.id);
      assert.equal(attempt.statusCode, 200, attempt.responseBody ?? '');
      assert.match(logs[0]!, /^verified points\.changed: \S+ has \d+ points$/);

      const { body, headers } = app.received.find((r) => r.headers['webhook-id'] === sent.body.id)!;
      const request = (b: string, h: Record<string, string>) => new Request('http://localhost:3000/api/trophy-webhooks', { method: 'POST', headers: h, body: b });
      assert.equal((await trophyRoute.POST(request(body, headers))).status, 200);
      assert.equal((await trophyRoute.POST(request(body.replace('"type"', ' "type"'), headers))).status, 403, 'tampered');
      assert.equal((await trophyRoute.POST(request(body, { 'content-type': 'application/json' }))).status, 403, 'unsigned');
      assert.equal((await trophyRoute.POST(request(body, { ...headers, 'x-trophy-signature': 'x' }))).status, 403, 'short signature');
      process.env.LAUREL_WEBHOOK_SECRET = secret;
      assert.equal((await trophyRoute.POST(request(body, headers))).status, 403, "another webhook's secret");
    } finally {
      process.env.LAUREL_WEBHOOK_SECRET = secret;
    }
  });
});
