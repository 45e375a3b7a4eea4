import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createOutbox } from '../../src/delivery/outbox.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { catalog } from '../../src/events/catalog.js';
import { eventTypes } from '../../src/events/event-types.js';
import { openBackend } from '../../src/store/open-backend.js';
import { forEachBackend } from '../support/backends.js';
import { startReceiver, waitForAll, type Receiver } from '../support/receiver.js';
import { freePort, startServerProcess } from '../support/server-process.js';
import { startCli, type Cli } from './cli-process.js';

const API_KEY = 'listentt.0123456789abcdefghijklmnopqrstuv';

/**
 * `laurel listen` end to end: a real server process, the real CLI process, a real receiver that
 * verifies both signature schemes with the secret the CLI printed. The server is SIGKILLed while
 * events are being emitted, more events are written while it is down (as another API process
 * would), and it is started again: every event in the database must reach the receiver.
 */
forEachBackend('laurel listen', (database) => {
  let receiver: Receiver | undefined;
  let server: ChildProcess | undefined;
  let cli: Cli | undefined;
  let configDir: string | undefined;
  after(async () => {
    server?.kill('SIGKILL');
    cli?.child.kill('SIGKILL');
    await receiver?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  test('forwards every event with fresh signatures, across a server killed and restarted mid-stream', { timeout: 90_000 }, async (t) => {
    receiver = await startReceiver();
    configDir = await mkdtemp(join(tmpdir(), 'laurel-listen-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const serverEnv = { ...process.env, DATABASE_URL: database().url, PORT: String(port), LAUREL_BOOTSTRAP_API_KEY: API_KEY, LOG_LEVEL: 'error' };
    server = await startServerProcess(serverEnv, base);

    const { LAUREL_API_KEY: _key, LAUREL_SERVER: _server, ...inherited } = process.env;
    // Every type but one, to see --events at work.
    const wanted = eventTypes.filter((type) => type !== 'emails.recap_due');
    cli = startCli(['listen', '--forward-to', receiver.url, '--server', base, '--api-key', API_KEY, '--events', wanted.join(',')], { ...inherited, XDG_CONFIG_HOME: configDir });
    const [, secret] = await cli.waitForStderr(/Signing secret: (whsec_\S+)/);
    receiver.secrets = [secret!];
    await cli.waitForStderr(/^Ready\. Forwarding events \(achievement\.completed, .*\) from/m);

    const emit = async (type: string): Promise<string | undefined> => {
      const response = await fetch(`${base}/admin/v1/webhook-events/test`, {
        method: 'POST',
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ type }),
      });
      return response.status === 202 ? ((await response.json()) as { eventId: string }).eventId : undefined;
    };

    // Four emitters; the kill lands while requests are in flight.
    const acknowledged: string[] = [];
    let stop = false;
    const emitter = async (offset: number) => {
      for (let i = offset; !stop; i += 4) {
        try {
          const id = await emit(eventTypes[i % eventTypes.length]!);
          if (id) acknowledged.push(id);
        } catch {
          return; // the server is gone
        }
      }
    };
    const emitters = [0, 1, 2, 3].map(emitter);
    while (acknowledged.length < 30) await new Promise((resolve) => setTimeout(resolve, 5));
    server.kill('SIGKILL');
    await once(server, 'exit');
    stop = true;
    await Promise.all(emitters);
    await cli.waitForStderr(/Lost the connection/);

    // While the server is down, events keep being committed (another API process, say).
    const backend = openBackend(database().url);
    try {
      const production = await findEnvironmentByName(backend.db, 'production');
      const outbox = createOutbox(backend, () => {});
      for (const type of ['achievement.completed', 'streak.lost', 'streak.extended']) {
        await backend.db.transaction().execute((trx) => outbox.emit(trx, { environmentId: production!.id, type: type as 'streak.lost', payload: catalog[type as 'streak.lost'].sample(new Date()) }, Date.now()));
      }
    } finally {
      await backend.close();
    }

    server = await startServerProcess(serverEnv, base);
    for (const type of ['points.changed', 'streak.freeze_earned']) assert.ok(await emit(type));
    await cli.waitForStderr(/Reconnected/);

    const all = await storedEvents(database().url);
    for (const id of acknowledged) assert.ok(all.has(id), `acknowledged event ${id} is in the database`);
    const stored = new Map([...all].filter(([, event]) => event.type !== 'emails.recap_due'));
    assert.ok(all.size > stored.size, 'some events of the left-out type were emitted');
    assert.ok(stored.size >= 30);
    const missing = await waitForAll(receiver, [...stored.keys()], 30_000);
    assert.deepEqual(missing, [], `${missing.length} of ${stored.size} events never reached the receiver`);

    for (const request of receiver.received) {
      assert.ok(request.trophyVerified && request.standardVerified, 'signed with the printed secret, both schemes');
      const id = String(request.headers['webhook-id']);
      assert.equal(request.body, stored.get(id)!.payload, 'the exact stored body');
      assert.equal(request.headers['x-trophy-event-type'], stored.get(id)!.type);
    }
    // One line per forwarded event: time, type, the receiver's status, latency, id.
    await cli.waitForStdoutEndings([...stored.keys()]);
    for (const id of stored.keys()) {
      const line = cli.stdout.find((l) => l.endsWith(id));
      assert.ok(line, `a line for ${id}`);
      assert.match(line!, new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${stored.get(id)!.type.replace('.', '\\.')} +200  \\d+ ms  ${id}$`));
    }
    assert.ok(!receiver.received.some((r) => r.headers['x-trophy-event-type'] === 'emails.recap_due'), 'the left-out type is not forwarded');
    t.diagnostic(`${stored.size} events (${acknowledged.length} acknowledged before the kill), ${receiver.received.length - stored.size} forwarded twice`);

    cli.child.kill('SIGINT');
    const [code] = await once(cli.child, 'exit');
    assert.equal(code, 0, 'Ctrl-C ends it cleanly');
    server.kill('SIGTERM');
    await once(server, 'exit');
    server = undefined;
  });
});

async function storedEvents(databaseUrl: string): Promise<Map<string, { type: string; payload: string }>> {
  const backend = openBackend(databaseUrl);
  try {
    const rows = await backend.db.selectFrom('events').select(['id', 'type', 'payload']).orderBy('id').execute();
    return new Map(rows.map((row) => [row.id, { type: row.type, payload: row.payload }]));
  } finally {
    await backend.close();
  }
}
