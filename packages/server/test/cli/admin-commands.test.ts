import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { eventTypes } from '../../src/events/event-types.js';
import { freePort } from '../support/server-process.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `laurel trigger` and `laurel webhooks list|create|delete|test` as scripts use them: real CLI
 * processes against a Laurel listening on a socket (API and worker), a real receiver, JSON on
 * stdout, messages on stderr, and the exit code. These commands only speak HTTP, so one backend
 * is enough here; the routes behind them are tested on both.
 */
describe('laurel trigger and laurel webhooks', () => {
  let laurel: TestLaurel;
  let receiver: Receiver;
  let dir: string;
  let base: string;
  let databaseUrl: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'laurel-cli-admin-'));
    databaseUrl = `sqlite:${dir}/laurel.db`;
    laurel = await startTestLaurel({ databaseUrl, clock: systemClock });
    base = await laurel.app.listen({ port: 0, host: '127.0.0.1' });
    receiver = await startReceiver();
  });
  after(async () => {
    await laurel.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The CLI with the development key and this server, unless the test says otherwise. */
  const laurelCli = async (args: string[], options: { key?: string | null; env?: Record<string, string> } = {}) => {
    const { LAUREL_API_KEY: _key, LAUREL_SERVER: _server, DATABASE_URL: _database, ...inherited } = process.env;
    const key = options.key === undefined ? laurel.keys.development : options.key;
    const env = { ...inherited, XDG_CONFIG_HOME: join(dir, 'config'), LAUREL_SERVER: base, ...(key ? { LAUREL_API_KEY: key } : {}), ...options.env };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: packageDir, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  test('webhooks create, list, test and delete, with --json for scripts', async () => {
    const created = await laurelCli(['webhooks', 'create', '--url', receiver.url, '--events', 'streak.lost,achievement.completed', '--name', 'local', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const webhook = JSON.parse(created.stdout);
    assert.equal(webhook.name, 'local');
    assert.deepEqual(webhook.events, ['streak.lost', 'achievement.completed']);
    assert.match(webhook.secret, /^whsec_/);
    receiver.secrets = [webhook.secret];

    const [listed, table] = await Promise.all([laurelCli(['webhooks', 'list', '--json']), laurelCli(['webhooks', 'list'])]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).map((w: { id: string }) => w.id), [webhook.id]);
    assert.match(table.stdout, /^ID +NAME +STATE +URL +EVENTS$/m);
    assert.match(table.stdout, new RegExp(`^${webhook.id}  local +enabled  ${receiver.url.replace(/[.]/g, '\\.')}  streak\\.lost,achievement\\.completed$`, 'm'));

    const tested = await laurelCli(['webhooks', 'test', webhook.id, '--json']);
    assert.equal(tested.code, 0, tested.stderr);
    const delivery = JSON.parse(tested.stdout);
    assert.equal(delivery.status, 'succeeded');
    assert.equal(delivery.eventType, 'streak.lost', 'the first subscribed type by default');
    assert.equal(delivery.lastAttempt.statusCode, 200);
    assert.ok(receiver.received.some((r) => r.headers['webhook-id'] === delivery.id && r.trophyVerified && r.standardVerified));

    receiver.reply = () => ({ status: 503, body: 'busy' });
    const failing = await laurelCli(['webhooks', 'test', webhook.id, '--type', 'points.changed']);
    receiver.reply = (request) => ({ status: request.trophyVerified && request.standardVerified ? 200 : 400 });
    assert.equal(failing.code, 1, 'an attempt that did not succeed fails the command');
    assert.match(failing.stdout, /^points\.changed to webhook \S+ \(delivery \S+\): HTTP 503 in \d+ ms; retrying at /m);

    const deleted = await laurelCli(['webhooks', 'delete', webhook.id, '--json']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(JSON.parse(deleted.stdout), { deleted: [{ id: webhook.id }], issues: [] });
    const again = await laurelCli(['webhooks', 'delete', webhook.id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^laurel: Webhook not found by ID: /m);
  });

  test('trigger emits one sample event to every subscribed webhook, or says that nothing received it', async () => {
    // Made through the API: the CLI's create is the previous test's.
    const create = async (name: string, events: string[]) => {
      const response = await laurel.api('POST', '/admin/v1/webhooks', { body: [{ name, url: receiver.url, events }] });
      assert.equal(response.status, 201);
      return response.body.created[0];
    };
    const hooks = [await create('one', ['streak.extended']), await create('two', ['streak.extended'])];
    const other = await create('everything', [...eventTypes]);
    receiver.secrets = [hooks[0].secret];
    // Each webhook has its own secret; this receiver checks the first one's, so answer 200 regardless.
    receiver.reply = () => ({ status: 200 });

    const triggered = await laurelCli(['trigger', 'streak.extended', '--json']);
    assert.equal(triggered.code, 0, triggered.stderr);
    const answer = JSON.parse(triggered.stdout);
    assert.equal(answer.type, 'streak.extended');
    assert.deepEqual(answer.destinations.map((d: { id: string }) => d.id).sort(), [hooks[0].id, hooks[1].id, other.id].sort());
    assert.ok(answer.destinations.every((d: { kind: string; result: string; delivery: { eventId: string } }) => d.kind === 'webhook' && d.result === 'succeeded' && d.delivery.eventId === answer.eventId));

    assert.equal((await laurel.api('DELETE', `/admin/v1/webhooks?ids=${other.id}`)).status, 200);
    const lonely = await laurelCli(['trigger', 'emails.recap_due']);
    assert.equal(lonely.code, 0, lonely.stderr);
    assert.match(lonely.stdout, /^Nothing received it: no enabled webhook subscribes to emails\.recap_due, and no laurel listen is connected/m);

    const one = await laurelCli(['trigger', 'leaderboard.finished', '--webhook', hooks[1].id]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, new RegExp(`^  ok      webhook "two" ${receiver.url.replace(/[.]/g, '\\.')} \\(${hooks[1].id}\\): HTTP 200 in \\d+ ms$`, 'm'));

    const queued = await laurelCli(['trigger', 'streak.extended', '--no-wait']);
    assert.equal(queued.code, 0, queued.stderr);
    assert.equal(queued.stdout.trim().split('\n').filter((line) => line.startsWith('  queued  webhook ')).length, 2);
    receiver.reply = (request) => ({ status: request.trophyVerified && request.standardVerified ? 200 : 400 });
    await laurel.api('DELETE', `/admin/v1/webhooks?ids=${hooks[0].id},${hooks[1].id}`);
  });

  test('scripts get a webhook id with create --quiet, its secret with secret, and delete by URL', async () => {
    const url = `${receiver.url}?scripted`;
    const created = await laurelCli(['webhooks', 'create', '--url', url, '--events', 'achievement.completed', '--quiet']);
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    assert.match(created.stdout, /^[0-9a-f-]{36}\n$/, 'only the id');
    const secret = await laurelCli(['webhooks', 'secret', id]);
    assert.equal(secret.code, 0, secret.stderr);
    assert.match(secret.stdout, /^whsec_[A-Za-z0-9+/]+={0,2}\n$/);
    const stored = await laurel.api('GET', `/admin/v1/webhooks/${id}/secret`);
    assert.equal(secret.stdout.trim(), stored.body.secret);
    const info = JSON.parse((await laurelCli(['webhooks', 'secret', id, '--json'])).stdout);
    assert.deepEqual(info, { secret: stored.body.secret, previousSecrets: [] });

    const kept = await laurel.api('POST', '/admin/v1/webhooks', { body: [{ name: 'elsewhere', url: `${receiver.url}?kept`, events: ['streak.lost'] }] });
    const deleted = await laurelCli(['webhooks', 'delete', '--url', url]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, `Deleted webhook ${id}\n`);
    const nothing = await laurelCli(['webhooks', 'delete', '--url', url]);
    assert.equal(nothing.code, 0, 'nothing left at that URL is not an error');
    assert.equal(nothing.stdout, `No webhook delivers to ${url}.\n`);
    assert.equal((await laurel.api('GET', `/admin/v1/webhooks/${kept.body.created[0].id}`)).status, 200, 'a webhook at another URL stays');

    const both = await laurelCli(['webhooks', 'delete', id, '--url', url]);
    const neither = await laurelCli(['webhooks', 'delete']);
    for (const usage of [both, neither]) {
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /^laurel: give webhook ids or --url URL, not both$/m);
    }
    const unknown = await laurelCli(['webhooks', 'secret', 'missing']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^laurel: Webhook not found: missing \(looked in environment "development", kind development, the environment of this API key\) \(HTTP 404\)$/m);
    await laurel.api('DELETE', `/admin/v1/webhooks?ids=${kept.body.created[0].id}`);
  });

  test('without a key, a server on this machine is reached with a key the CLI makes once in the local database', async () => {
    const first = await laurelCli(['webhooks', 'list', '--json', '--environment', 'production'], { key: null, env: { DATABASE_URL: databaseUrl } });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Made an API key "laurel cli" for environment "production"/);
    const config = JSON.parse(await readFile(join(dir, 'config', 'laurel', 'cli.json'), 'utf8'));
    assert.equal(Object.keys(config.keys).length, 1);
    const second = await laurelCli(['webhooks', 'list', '--environment', 'production'], { key: null, env: { DATABASE_URL: databaseUrl } });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, '', 'the kept key is used again');
    const keys = await laurel.backend.db.selectFrom('api_keys').select('name').where('name', '=', 'laurel cli').execute();
    assert.equal(keys.length, 1);

    const remote = await laurelCli(['webhooks', 'list', '--server', 'https://laurel.example.com'], { key: null });
    assert.equal(remote.code, 2);
    assert.match(remote.stderr, /not on this machine: give an admin API key with --api-key or LAUREL_API_KEY/);
    const missing = await laurelCli(['webhooks', 'list'], { key: null, env: { DATABASE_URL: `sqlite:${dir}/nothing-here.db` } });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no local Laurel database at sqlite:.*nothing-here\.db/);
  });

  test('errors go to stderr with exit 1 when the server refuses, 2 for wrong usage; --help everywhere exits 0', async () => {
    const results = await Promise.all([
      laurelCli(['webhooks', 'create', '--url', 'not a url', '--events', 'streak.lost']),
      laurelCli(['webhooks', 'list'], { key: 'nokeyhere.0123456789abcdefghijklmnop' }),
      laurelCli(['webhooks', 'list'], { env: { LAUREL_SERVER: `http://127.0.0.1:${await freePort()}` } }),
      laurelCli(['trigger', 'user.created']),
      laurelCli(['webhooks', 'create', '--url', receiver.url]),
      laurelCli(['webhooks', 'list', '--environment', 'development']),
      laurelCli(['listen']),
      laurelCli(['webhooks', 'frobnicate']),
    ]);
    const [invalid, unauthorized, unreachable, unknownType, missingEvents, keyAndEnvironment, noTarget, unknownCommand] = results;
    assert.equal(invalid!.code, 1);
    assert.match(invalid!.stderr, /^laurel: body\[0\]\.url: must be an absolute http or https URL.* \(HTTP 422\)$/m);
    assert.equal(unauthorized!.code, 1);
    assert.match(unauthorized!.stderr, /Missing or invalid API key.*\(HTTP 401\); give a key with --api-key or LAUREL_API_KEY/);
    assert.equal(unreachable!.code, 1);
    assert.match(unreachable!.stderr, /cannot reach Laurel at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    assert.equal(unknownType!.code, 2);
    assert.match(unknownType!.stderr, /unknown event type; expected one of achievement\.completed/);
    assert.equal(missingEvents!.code, 2);
    assert.match(missingEvents!.stderr, /required option '--events <types>' not specified/);
    assert.equal(keyAndEnvironment!.code, 2);
    assert.match(keyAndEnvironment!.stderr, /either an API key .* or --environment, not both/);
    assert.equal(noTarget!.code, 2);
    assert.match(noTarget!.stderr, /--forward-to <url> is required/);
    assert.equal(unknownCommand!.code, 2);
    for (const result of results) assert.equal(result.stdout.replace(/^Usage[\s\S]*/m, ''), '', 'nothing on stdout but help');

    const helps = await Promise.all(
      [['listen'], ['trigger'], ['webhooks'], ['webhooks', 'create']].map((command) =>
        laurelCli([...command, '--help']),
      ),
    );
    for (const help of helps) {
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: laurel /);
    }
    for (const help of helps.filter((h) => !/^Usage: laurel webhooks \[options\] \[command\]/.test(h.stdout))) {
      assert.match(help.stdout, /--server <url>/);
      assert.match(help.stdout, /--api-key <key>/);
    }
  });
});
