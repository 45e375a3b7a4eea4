import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { openBackend } from '../../src/store/open-backend.js';
import { forEachBackend } from '../support/backends.js';
import { startReceiver, uniqueIds, waitForAll, type Receiver } from '../support/receiver.js';
import { freePort, startServerProcess } from '../support/server-process.js';

/**
 * The outbox promise, tested the hard way: a real server process is SIGKILLed while events are
 * being emitted and delivered, then restarted. Every event whose transaction committed (every
 * delivery row in the database, including those the client never heard back about) must reach
 * the receiver at least once.
 */
const API_KEY = 'crashtst.0123456789abcdefghijklmnopqrstuv';

forEachBackend('a server killed mid-stream loses no committed event', (database) => {
  let receiver: Receiver | undefined;
  let child: ChildProcess | undefined;
  after(async () => {
    child?.kill('SIGKILL');
    await receiver?.close();
  });

  test('SIGKILL during a stream of emits, restart, everything committed arrives', { timeout: 120_000 }, async (t) => {
    receiver = await startReceiver();
    // A little receiver latency keeps deliveries in flight when the kill lands.
    receiver.reply = () => ({ status: 200, delayMs: 20 });
    const port = await freePort();
    const env = {
      ...process.env,
      DATABASE_URL: database().url,
      PORT: String(port),
      LAUREL_BOOTSTRAP_API_KEY: API_KEY,
      LAUREL_DELIVERY_TIMEOUT: '1s',
      LAUREL_LEASE: '11s',
      LOG_LEVEL: 'error',
    };
    const base = `http://127.0.0.1:${port}`;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    child = await startServerProcess(env, base);
    const created = (await (await call('POST', '/admin/v1/webhooks', [{ name: 'crash', url: receiver.url, events: ['points.changed'] }])).json()) as { created: { id: string; secret: string }[] };
    const [webhook] = created.created;
    const webhookId = webhook!.id;
    receiver.secrets = [webhook!.secret];

    // Eight concurrent emitters; kill the server once 150 emits have been acknowledged.
    const acknowledged: string[] = [];
    let stop = false;
    const emitter = async () => {
      while (!stop) {
        try {
          const response = await call('POST', `/admin/v1/webhooks/${webhookId}/test`, { type: 'points.changed' });
          if (response.status === 202) acknowledged.push(((await response.json()) as { id: string }).id);
        } catch {
          return; // the server is gone
        }
      }
    };
    const emitters = Array.from({ length: 8 }, emitter);
    while (acknowledged.length < 150) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGKILL');
    await once(child, 'exit');
    stop = true;
    await Promise.all(emitters);
    const receivedBeforeRestart = uniqueIds(receiver).size;

    child = await startServerProcess(env, base);
    const committed = await committedDeliveryIds(database().url);
    for (const id of acknowledged) assert.ok(committed.includes(id), `acknowledged delivery ${id} is in the database`);
    const missing = await waitForAll(receiver, committed, 60_000);
    assert.deepEqual(missing, [], `${missing.length} of ${committed.length} committed deliveries never arrived`);
    assert.ok(receiver.received.every((r) => r.trophyVerified && r.standardVerified), 'every arrival is correctly signed');
    t.diagnostic(
      `${committed.length} committed (${acknowledged.length} acknowledged), ${receivedBeforeRestart} received before the kill, ` +
        `${receiver.received.length - uniqueIds(receiver).size} duplicates after restart`,
    );

    child.kill('SIGTERM');
    await once(child, 'exit');
    child = undefined;
  });
});

async function committedDeliveryIds(databaseUrl: string): Promise<string[]> {
  const backend = openBackend(databaseUrl);
  try {
    return (await backend.db.selectFrom('deliveries').select('id').execute()).map((row) => row.id);
  } finally {
    await backend.close();
  }
}
