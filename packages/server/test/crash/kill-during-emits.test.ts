import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { openBackend } from '../../src/store/open-backend.js';
import { forEachBackend } from '../support/backends.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

/**
 * The outbox promise, tested the hard way: a real server process is SIGKILLed while events are
 * being emitted and delivered, then restarted. Every event whose transaction committed (every
 * delivery row in the database, including those the client never heard back about) must reach
 * the receiver at least once.
 */
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
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

    child = await startServer(env, base);
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

    child = await startServer(env, base);
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

function uniqueIds(receiver: Receiver): Set<string> {
  return new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
}

/** Waits until every id has arrived (duplicates do not count twice); returns those still missing. */
async function waitForAll(receiver: Receiver, ids: string[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const received = uniqueIds(receiver);
    const missing = ids.filter((id) => !received.has(id));
    if (missing.length === 0 || Date.now() > deadline) return missing;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startServer(env: NodeJS.ProcessEnv, base: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], { cwd: packageDir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return child;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become healthy within 30 s');
}

async function committedDeliveryIds(databaseUrl: string): Promise<string[]> {
  const backend = openBackend(databaseUrl);
  try {
    return (await backend.db.selectFrom('deliveries').select('id').execute()).map((row) => row.id);
  } finally {
    await backend.close();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
