import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { generateWebhookSecret } from '../../src/webhooks/generate-secret.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { runCli, startCli, type Cli } from './cli-process.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `laurel trigger` reports every destination of the event, as the README's reader meets it: two
 * webhooks on real loopback receivers (one with the right secret, one checking another and
 * answering 401) and a real `laurel listen` process forwarding to a third. The report names each
 * with what it answered, and the exit code says whether all of them succeeded.
 */
describe('laurel trigger reports each webhook and each laurel listen session', () => {
  let laurel: TestLaurel;
  let dir: string;
  let base: string;
  let receivers: { good: Receiver; stale: Receiver; listened: Receiver };
  let webhooks: { good: { id: string; secret: string }; stale: { id: string; secret: string } };
  let listen: Cli | undefined;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'laurel-trigger-'));
    laurel = await startTestLaurel({ databaseUrl: `sqlite:${dir}/laurel.db`, clock: systemClock });
    base = await laurel.app.listen({ port: 0, host: '127.0.0.1' });
    receivers = { good: await startReceiver(), stale: await startReceiver(), listened: await startReceiver() };
    const create = async (name: string, url: string) => {
      const response = await laurel.api('POST', '/admin/v1/webhooks', { body: [{ name, url, events: ['achievement.completed'] }] });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body.created[0] as { id: string; secret: string };
    };
    webhooks = { good: await create('good', receivers.good.url), stale: await create('stale', receivers.stale.url) };
    receivers.good.secrets = [webhooks.good.secret];
    // A receiver still configured with the secret of a webhook deleted long ago, as in issue 13.
    receivers.stale.secrets = [generateWebhookSecret()];
    for (const receiver of Object.values(receivers)) receiver.reply = (request) => ({ status: request.trophyVerified ? 200 : 401 });

    const { LAUREL_API_KEY: _key, LAUREL_SERVER: _server, DATABASE_URL: _database, ...inherited } = process.env;
    env = { ...inherited, XDG_CONFIG_HOME: join(dir, 'config'), LAUREL_SERVER: base, LAUREL_API_KEY: laurel.keys.development };
    listen = startCli(['listen', '--forward-to', receivers.listened.url], env);
    const [, secret] = await listen.waitForStderr(/Signing secret: (whsec_\S+)/);
    receivers.listened.secrets = [secret!];
    await listen.waitForStderr(/^Ready\. .* \(listen session [0-9a-f]{8}\)$/m);
  });
  after(async () => {
    listen?.child.kill('SIGKILL');
    await laurel.close();
    for (const receiver of Object.values(receivers)) await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  const session = () => listen!.stderr.join('\n').match(/\(listen session ([0-9a-f]{8})\)/)![1]!;

  test('one failing webhook: every destination is named with its answer, the failure on stderr, exit 1', async () => {
    const result = await runCli(['trigger', 'achievement.completed'], env);
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0]!, /^Triggered achievement\.completed \(event [0-9a-f-]{36}\)\.$/);
    const rows = lines.slice(1).sort();
    assert.equal(rows.length, 3, result.stdout);
    assert.match(rows.join('\n'), new RegExp(`^  FAILED  webhook "stale" ${escape(receivers.stale.url)} \\(${webhooks.stale.id}\\): HTTP 401 in \\d+ ms; retrying at \\S+$`, 'm'));
    assert.match(rows.join('\n'), new RegExp(`^  ok      webhook "good" ${escape(receivers.good.url)} \\(${webhooks.good.id}\\): HTTP 200 in \\d+ ms$`, 'm'));
    assert.match(rows.join('\n'), new RegExp(`^  ok      laurel listen ${session()} -> ${escape(receivers.listened.url)}: HTTP 200 in \\d+ ms$`, 'm'));
    assert.match(
      result.stderr,
      new RegExp(`^laurel: 1 of 3 destinations failed: webhook "stale" \\(${webhooks.stale.id}\\) at ${escape(receivers.stale.url)} got HTTP 401\\. A 401 or 403 usually means the receiver checks another secret`, 'm'),
    );
    // What the report says is what the receivers saw.
    assert.ok(receivers.good.received.some((r) => r.trophyVerified));
    assert.ok(receivers.listened.received.some((r) => r.trophyVerified));
    assert.ok(receivers.stale.received.every((r) => !r.trophyVerified));
  });

  test('--json gives each destination with its result, delivery or forward', async () => {
    const result = await runCli(['trigger', 'achievement.completed', '--json'], env);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout);
    assert.equal(report.type, 'achievement.completed');
    const byName = Object.fromEntries(report.destinations.map((d: any) => [d.kind === 'webhook' ? d.name : 'listen', d]));
    assert.deepEqual(Object.keys(byName).sort(), ['good', 'listen', 'stale']);
    assert.deepEqual([byName.good.result, byName.stale.result, byName.listen.result], ['succeeded', 'failed', 'succeeded']);
    assert.equal(byName.good.url, receivers.good.url);
    assert.equal(byName.good.delivery.eventId, report.eventId);
    assert.equal(byName.stale.delivery.lastAttempt.statusCode, 401);
    assert.equal(byName.listen.forwardTo, receivers.listened.url);
    assert.equal(byName.listen.forward.statusCode, 200);
    assert.match(result.stderr, /^laurel: 1 of 3 destinations failed/m);
  });

  test('once the stale webhook is deleted (by its URL) every destination succeeds: exit 0', async () => {
    const deleted = await runCli(['webhooks', 'delete', '--url', receivers.stale.url], env);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, `Deleted webhook ${webhooks.stale.id}\n`);
    const result = await runCli(['trigger', 'achievement.completed'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.deepEqual(
      result.stdout.trim().split('\n').slice(1).map((line) => line.replace(/ in \d+ ms$/, '')).sort(),
      [`  ok      laurel listen ${session()} -> ${receivers.listened.url}: HTTP 200`, `  ok      webhook "good" ${receivers.good.url} (${webhooks.good.id}): HTTP 200`],
    );
  });

  test('--webhook sends to that webhook only, and laurel listen sees that test event too', async () => {
    const result = await runCli(['trigger', 'streak.lost', '--webhook', webhooks.good.id], env);
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout.trim().split('\n').slice(1);
    assert.equal(rows.length, 2, result.stdout);
    assert.ok(rows.some((row) => row.startsWith(`  ok      webhook "good" `)));
    assert.ok(rows.some((row) => row.startsWith(`  ok      laurel listen ${session()} `)));
  });

  test('a listen receiver that fails is a failed destination; a stopped listen is none', async () => {
    receivers.listened.reply = () => ({ status: 500 });
    const failing = await runCli(['trigger', 'achievement.completed'], env);
    receivers.listened.reply = (request) => ({ status: request.trophyVerified ? 200 : 401 });
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, new RegExp(`^  FAILED  laurel listen ${session()} -> ${escape(receivers.listened.url)}: HTTP 500 in \\d+ ms$`, 'm'));
    assert.match(failing.stderr, new RegExp(`^laurel: 1 of 2 destinations failed: laurel listen ${session()} at ${escape(receivers.listened.url)} got HTTP 500\\.$`, 'm'));

    listen!.child.kill('SIGINT');
    const [code] = await once(listen!.child, 'exit');
    assert.equal(code, 0);
    // The server sees the connection close a moment later.
    const deadline = Date.now() + 5_000;
    for (;;) {
      const result = await runCli(['trigger', 'achievement.completed', '--json'], env);
      const kinds = JSON.parse(result.stdout).destinations.map((d: { kind: string }) => d.kind);
      if (kinds.length === 1) {
        assert.deepEqual(kinds, ['webhook']);
        assert.equal(result.code, 0, result.stderr);
        break;
      }
      assert.ok(Date.now() < deadline, `the stopped listen is still a destination: ${result.stdout}`);
    }
  });

  test('with no destination at all it says so and exits 0', async () => {
    const result = await runCli(['trigger', 'emails.recap_due'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Nothing received it: no enabled webhook subscribes to emails\.recap_due, and no laurel listen is connected to this environment\.$/m);
  });
});
