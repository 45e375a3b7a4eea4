import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { createOutbox } from '../../src/delivery/outbox.js';
import { claimDeliveries, type ClaimedDelivery } from '../../src/delivery/queue/claim.js';
import { completeAttempts, type FinishedAttempt } from '../../src/delivery/queue/complete.js';
import { reclaimExpiredLeases } from '../../src/delivery/queue/reclaim-expired.js';
import { releaseDeliveries } from '../../src/delivery/queue/release.js';
import { catalog } from '../../src/events/catalog.js';
import { createLaurel } from '../../src/laurel.js';
import type { Backend } from '../../src/store/backends/backend.js';
import { createWebhooks } from '../../src/webhooks/webhook-store.js';
import { forEachBackend } from '../support/backends.js';
import { openTestStore } from '../support/store.js';
import { startTestLaurel } from '../support/laurel.js';
import { startReceiver } from '../support/receiver.js';
import { FAST_ENV, WorkerRecorder, startHarness } from './helpers.js';

const LEASE = 15_000;
const FIVE_DAYS = 5 * 86_400_000;

/** What a worker reports after an attempt that got a 200. */
function succeeded(claim: ClaimedDelivery, at: number): FinishedAttempt {
  return {
    deliveryId: claim.id,
    webhookId: claim.webhookId,
    number: claim.attempt,
    trigger: claim.trigger,
    startedAt: at,
    latencyMs: 12,
    statusCode: 200,
    errorKind: null,
    errorMessage: null,
    responseBody: 'ok',
    requestHeaders: {},
    next: { status: 'succeeded' },
    gone: false,
  };
}

/** The queue operations on their own: claim, reclaim, complete and release, with time as a parameter. */
forEachBackend('leases and fencing (queue operations)', (database) => {
  let backend: Backend;
  let webhookId: string;
  let environmentId: string;
  let now = Date.UTC(2026, 0, 1);

  before(async () => {
    ({ backend, environmentId } = await openTestStore(database().url, now));
  });
  after(() => backend.close());

  /** One queued delivery to a fresh webhook (so each test sees only its own). */
  async function queueOne(): Promise<string> {
    const [webhook] = await createWebhooks(backend.db, environmentId, [{ name: 'w', url: 'http://127.0.0.1:9/', events: ['points.changed'] }], now);
    webhookId = webhook!.id;
    const outbox = createOutbox(backend, () => {});
    const payload = catalog['points.changed'].sample(new Date(now));
    const { deliveryIds } = await backend.db
      .transaction()
      .execute((trx) => outbox.emit(trx, { environmentId, type: 'points.changed', payload, onlyWebhookId: webhookId }, now));
    assert.equal(deliveryIds.length, 1);
    return deliveryIds[0]!;
  }

  const claim = (workerId: string, at: number) => claimDeliveries(backend, { workerId, webhookId, now: at, leaseMs: LEASE, limit: 10 });
  const row = (id: string) => backend.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const attempts = (id: string) =>
    backend.db.selectFrom('delivery_attempts').select(['number', 'trigger', 'status_code', 'error_kind']).where('delivery_id', '=', id).orderBy('number').execute();

  test('a claim leases the delivery to one worker; a second claim gets nothing', async () => {
    now += 3_600_000;
    const id = await queueOne();
    const [claimed] = await claim('worker-a', now);
    assert.deepEqual({ id: claimed!.id, attempt: claimed!.attempt, trigger: claimed!.trigger, leaseExpiresAt: claimed!.leaseExpiresAt }, { id, attempt: 1, trigger: 'first', leaseExpiresAt: now + LEASE });
    assert.deepEqual(await claim('worker-b', now), []);
    const leased = await row(id);
    assert.equal(leased.status, 'delivering');
    assert.equal(leased.lease_owner, 'worker-a');
    await releaseDeliveries(backend, 'worker-a', [{ id, attempt: 1 }], now); // leave no lease behind for the next tests
  });

  test('an expired lease is reclaimed, and the worker that lost it cannot record its attempt', async () => {
    now += 3_600_000;
    const id = await queueOne();
    const [lost] = await claim('worker-a', now);
    assert.equal(await reclaimExpiredLeases(backend, now + LEASE - 1), 0, 'a live lease is left alone');

    const later = now + LEASE + 1;
    assert.equal(await reclaimExpiredLeases(backend, later), 1);
    const reclaimed = await row(id);
    assert.equal(reclaimed.status, 'retrying');
    assert.equal(reclaimed.lease_owner, null);
    assert.equal(reclaimed.next_attempt_at, later, 'due again at once');
    assert.deepEqual(await attempts(id), [{ number: 1, trigger: 'first', status_code: null, error_kind: 'lease_expired' }]);

    const stale = await completeAttempts(backend, 'worker-a', [succeeded(lost!, now)], later, FIVE_DAYS);
    assert.deepEqual(stale.recorded, [], 'fenced: worker-a no longer holds the lease');
    assert.equal((await row(id)).status, 'retrying');

    const [taken] = await claim('worker-b', later);
    assert.equal(taken!.attempt, 2);
    assert.equal(taken!.trigger, 'retry');
    assert.deepEqual((await completeAttempts(backend, 'worker-a', [succeeded(lost!, now)], later, FIVE_DAYS)).recorded, []);
    assert.equal((await completeAttempts(backend, 'worker-b', [succeeded(taken!, later)], later, FIVE_DAYS)).recorded.length, 1);
    assert.equal((await row(id)).status, 'succeeded');
    assert.deepEqual(await attempts(id), [
      { number: 1, trigger: 'first', status_code: null, error_kind: 'lease_expired' },
      { number: 2, trigger: 'retry', status_code: 200, error_kind: null },
    ]);
  });

  test('fencing holds when the same worker claims the delivery again after losing its lease', async () => {
    now += 3_600_000;
    const id = await queueOne();
    const [first] = await claim('worker-a', now);
    const later = now + LEASE + 1;
    await reclaimExpiredLeases(backend, later);
    const [second] = await claim('worker-a', later);
    assert.equal(second!.attempt, 2);

    // The first attempt's late answer must not overwrite the state of the second, in flight.
    assert.deepEqual((await completeAttempts(backend, 'worker-a', [succeeded(first!, now)], later, FIVE_DAYS)).recorded, []);
    assert.equal(await releaseDeliveries(backend, 'worker-a', [{ id: first!.id, attempt: first!.attempt }], later), 0, 'nor can a stale claim be given back');
    const inFlight = await row(id);
    assert.equal(inFlight.status, 'delivering');
    assert.equal(inFlight.attempts, 2);

    assert.equal((await completeAttempts(backend, 'worker-a', [succeeded(second!, later)], later, FIVE_DAYS)).recorded.length, 1);
    assert.deepEqual((await attempts(id)).map((a) => [a.number, a.error_kind ?? a.status_code]), [[1, 'lease_expired'], [2, 200]]);
  });

  test('a released claim goes back to the queue with its attempt count undone', async () => {
    now += 3_600_000;
    const id = await queueOne();
    const [claimed] = await claim('worker-a', now);
    assert.equal(await releaseDeliveries(backend, 'worker-b', [{ id: claimed!.id, attempt: claimed!.attempt }], now), 0, 'only the owner can release');
    assert.equal(await releaseDeliveries(backend, 'worker-a', [{ id: claimed!.id, attempt: claimed!.attempt }], now), 1);
    const released = await row(id);
    assert.deepEqual([released.status, released.attempts, released.lease_owner], ['pending', 0, null]);
    const [again] = await claim('worker-b', now);
    assert.deepEqual([again!.attempt, again!.trigger], [1, 'first']);
  });
});

// SQLite is single-process (one worker owns delivery); PostgreSQL shares the queue between workers.
forEachBackend('several workers on one database', (database, kind) => {
  if (kind === 'postgres') test('two workers on PostgreSQL never deliver the same delivery twice', async (t) => {
    const EVENTS = 200;
    // A receiver slow enough (20 ms) and a cap low enough that one worker alone could not keep up.
    const env = { LAUREL_WEBHOOK_CONCURRENCY: '8' };
    const h = await startHarness(database(), { env });
    t.after(() => h.close());
    const second = await startTestLaurel({ databaseUrl: database().url, clock: h.clock, roles: ['worker'], env: { ...FAST_ENV, ...env } });
    t.after(() => second.close());
    h.events.attach(second.worker!);
    const byWorker = new Map<string, number>();
    for (const worker of [h.worker, second.worker!]) worker.on('delivery:attempt', () => byWorker.set(worker.id, (byWorker.get(worker.id) ?? 0) + 1));

    const receiver = await h.receiver();
    receiver.reply = () => ({ status: 200, delayMs: 20 });
    const { id: webhookId } = await h.createWebhook({ receiver, events: ['points.changed'] });
    const environmentId = await h.environmentId('development');
    for (let batch = 0; batch < EVENTS / 10; batch++) {
      await h.laurel.backend.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 10; i++) {
          const payload = catalog['points.changed'].sample(new Date(h.clock.now()));
          await h.laurel.outbox.emit(trx, { environmentId, type: 'points.changed', payload }, h.clock.now());
        }
      });
    }

    await h.events.waitForAll('delivery:succeeded', (a) => a.webhookId === webhookId, { count: EVENTS, timeoutMs: 30_000 });
    const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
    assert.equal(ids.length, EVENTS, 'one request per delivery');
    assert.equal(new Set(ids).size, EVENTS, 'every webhook-id once');
    assert.ok(receiver.received.every((r) => r.trophyVerified && r.standardVerified));
    const rows = await h.laurel.backend.db.selectFrom('deliveries').select(['status', 'attempts']).where('webhook_id', '=', webhookId).execute();
    assert.ok(rows.every((r) => r.status === 'succeeded' && r.attempts === 1), 'each delivery claimed exactly once');
    assert.equal(byWorker.size, 2, `both workers took part (${[...byWorker.values()].join(' + ')} attempts)`);
  });

  // On PostgreSQL other live workers may hold those leases; only expired ones are reclaimed (queue tests above).
  if (kind === 'sqlite') test("SQLite: 'delivering' rows left by a dead process are reclaimed when laurel starts", async (t) => {
    const clock = new ManualClock(Date.now());
    const receiver = await startReceiver();
    t.after(() => receiver.close());

    // An API-only Laurel queues a delivery; a "worker" then claims it and dies without a trace.
    const api = await startTestLaurel({ databaseUrl: database().url, clock, roles: ['api'], env: { ...FAST_ENV } });
    const created = await api.api('POST', '/admin/v1/webhooks', { body: [{ name: 'w', url: receiver.url, events: ['points.changed'] }] });
    const { id: webhookId, secret } = created.body.created[0];
    receiver.secrets = [secret];
    const sent = await api.api('POST', `/admin/v1/webhooks/${webhookId}/test`, { body: { type: 'points.changed' } });
    const deliveryId: string = sent.body.id;
    const [claimed] = await claimDeliveries(api.backend, { workerId: 'dead-process', webhookId, now: clock.now(), leaseMs: LEASE, limit: 10 });
    assert.equal(claimed?.id, deliveryId);
    await api.close();

    // Restarted long before the lease would expire. start() listens (health and metrics): on port
    // 0, as every server in the tests does, not the default 8080 a developer's `npm start` may hold.
    const config = loadConfig({ DATABASE_URL: database().url, LOG_LEVEL: 'silent', PORT: '0', ...FAST_ENV });
    const laurel = await createLaurel({ config, clock, roles: ['worker'], random: () => 0.5 });
    t.after(() => laurel.close());
    const events = new WorkerRecorder(laurel.worker!);
    await laurel.start();

    assert.equal(await events.waitFor('delivery:reclaimed'), 1);
    await events.waitFor('delivery:succeeded', (a) => a.deliveryId === deliveryId);
    assert.equal(receiver.received.length, 1);
    assert.ok(receiver.received[0]!.trophyVerified && receiver.received[0]!.standardVerified);
    const log = await laurel.backend.db.selectFrom('delivery_attempts').select(['number', 'trigger', 'error_kind', 'status_code']).where('delivery_id', '=', deliveryId).orderBy('number').execute();
    assert.deepEqual(log, [
      { number: 1, trigger: 'first', error_kind: 'lease_expired', status_code: null },
      { number: 2, trigger: 'retry', error_kind: null, status_code: 200 },
    ]);
    await laurel.backend.db.deleteFrom('webhooks').where('id', '=', webhookId).execute();
  });
});
