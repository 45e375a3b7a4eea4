import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { openBackend } from '../../src/store/open-backend.js';
import { forEachBackend } from '../support/backends.js';
import { startReceiver, uniqueIds, waitForAll, type Receiver } from '../support/receiver.js';
import { freePort, startServerProcess } from '../support/server-process.js';

/**
 * "One transaction per write" for the engine, tested the hard way: a server is SIGKILLed while
 * metric events stream in, then restarted. Whatever committed is whole (totals equal the events
 * recorded, one completion per user, a delivery for each) and every committed webhook arrives;
 * nothing is invented (no completion or total without its event).
 */
const API_KEY = 'crashevt.0123456789abcdefghijklmnopqrstuv';

forEachBackend('a server killed mid-stream of metric events keeps every write whole', (database) => {
  let receiver: Receiver | undefined;
  let child: ChildProcess | undefined;
  after(async () => {
    child?.kill('SIGKILL');
    await receiver?.close();
  });

  test('SIGKILL during metric events, restart: state consistent, committed webhooks delivered', { timeout: 120_000 }, async (t) => {
    receiver = await startReceiver();
    receiver.reply = () => ({ status: 200, delayMs: 20 });
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: database().url, PORT: String(port), LAUREL_BOOTSTRAP_API_KEY: API_KEY, LAUREL_DELIVERY_TIMEOUT: '1s', LAUREL_LEASE: '11s', LOG_LEVEL: 'error' };
    const base = `http://127.0.0.1:${port}`;
    const call = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { method: path.includes('settings') ? 'PUT' : 'POST', headers: { 'x-api-key': API_KEY, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    child = await startServerProcess(env, base);
    assert.equal((await call('/admin/v1/metrics', [{ name: 'Lessons', key: 'lessons' }])).status, 201);
    assert.equal((await call('/admin/v1/achievements', [{ name: 'First', key: 'first', trigger: 'metric', metricKey: 'lessons', metricValue: 1, status: 'active' }])).status, 201);
    const created = (await (await call('/admin/v1/webhooks', [{ name: 'crash', url: receiver.url, events: ['achievement.completed'] }])).json()) as { created: { secret: string }[] };
    receiver.secrets = [created.created[0]!.secret];

    // Eight clients, each user sending two events; kill once 120 have been acknowledged.
    let sequence = 0;
    let acknowledged = 0;
    let stop = false;
    const client = async () => {
      while (!stop) {
        const n = sequence++;
        try {
          const response = await call('/v1/metrics/lessons/event', { user: { id: `user-${Math.floor(n / 2)}` }, value: 1 }, { 'idempotency-key': `event-${n}` });
          if (response.status === 201) acknowledged += 1;
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    while (acknowledged < 120) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGKILL');
    await once(child, 'exit');
    stop = true;
    await Promise.all(clients);

    child = await startServerProcess(env, base);
    const backend = openBackend(database().url);
    try {
      const db = backend.db;
      const events = await db.selectFrom('metric_events').select(['user_id', 'value']).execute();
      assert.ok(events.length >= acknowledged, `every acknowledged event committed (${events.length} >= ${acknowledged})`);
      const sums = new Map<string, number>();
      for (const event of events) sums.set(event.user_id, (sums.get(event.user_id) ?? 0) + Number(event.value));
      const totals = await db.selectFrom('user_metrics').select(['user_id', 'total']).execute();
      assert.deepEqual(new Map(totals.map((row) => [row.user_id, Number(row.total)])), sums, 'each total is the sum of its recorded events');
      const completions = await db.selectFrom('user_achievements').select('user_id').execute();
      assert.deepEqual(completions.map((row) => row.user_id).sort(), [...sums.keys()].sort(), 'one completion per user with events, none without');
      const deliveries = await db.selectFrom('deliveries').select('id').execute();
      assert.equal(deliveries.length, completions.length, 'a delivery for every completion');
      const missing = await waitForAll(receiver, deliveries.map((row) => row.id), 60_000);
      assert.deepEqual(missing, [], `${missing.length} of ${deliveries.length} committed webhooks never arrived`);
      t.diagnostic(`${events.length} events committed (${acknowledged} acknowledged), ${uniqueIds(receiver).size} webhooks received`);
    } finally {
      await backend.close();
    }
    child.kill('SIGTERM');
    await once(child, 'exit');
    child = undefined;
  });
});
