import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../packages/server/test/support/server-process.js';
import { createWebhook, startLaurel, type Laurel } from './support/laurel.js';

const receiverFile = fileURLToPath(new URL('../quick-start/receiver.mjs', import.meta.url));
const readme = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The receiver as the README's reader runs it: `node examples/quick-start/receiver.mjs`, its output kept. */
function startReceiver(env: Record<string, string>): { child: ChildProcess; output: string[]; waitFor(pattern: RegExp): Promise<void> } {
  const { LAUREL_WEBHOOK_SECRET: _secret, RECEIVER_PORT: _port, ...inherited } = process.env;
  const child = spawn(process.execPath, [receiverFile], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return {
    child,
    output,
    async waitFor(pattern) {
      const deadline = Date.now() + 10_000;
      while (!output.some((line) => pattern.test(line))) {
        if (child.exitCode !== null) throw new Error(`the receiver exited with ${child.exitCode}: ${output.join('\n')}`);
        if (Date.now() > deadline) throw new Error(`the receiver never printed ${pattern}: ${output.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

describe("examples/quick-start/receiver.mjs: the README's step 3, with deliveries from a real Laurel", () => {
  let laurel: Laurel;
  let receiver: ReturnType<typeof startReceiver>;
  let url: string;
  let webhook: { id: string; secret: string };

  before(async () => {
    laurel = await startLaurel();
    const port = await freePort();
    url = `http://localhost:${port}/webhooks`;
    webhook = await createWebhook(laurel, url, ['achievement.completed']);
    receiver = startReceiver({ LAUREL_WEBHOOK_SECRET: webhook.secret, RECEIVER_PORT: String(port) });
    await receiver.waitFor(new RegExp(`^Receiving webhooks at ${url.replace(/[.]/g, '\\.')}$`));
  });
  after(async () => {
    receiver?.child.kill();
    await laurel?.stop();
  });

  it('is the code the README shows, character for character', async () => {
    const [code, text] = await Promise.all([readFile(receiverFile, 'utf8'), readFile(readme, 'utf8')]);
    assert.ok(text.includes('```js\n' + code + '```\n'), 'README.md shows examples/quick-start/receiver.mjs verbatim in a ```js block');
  });

  it("verifies Laurel's signed test event and answers 200, which the delivery log records", async () => {
    const sent = await laurel.api('POST', `/admin/v1/webhooks/${webhook.id}/test`, { body: { type: 'achievement.completed' } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const attempt = await laurel.attempt(sent.body.id);
    assert.equal(attempt.statusCode, 200, attempt.errorMessage ?? '');
    await receiver.waitFor(/^verified achievement\.completed \S+$/);
  });

  const post = (body: string, signature: string | undefined) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-trophy-signature': signature }) }, body });
  const sign = (body: Buffer | string, secret = webhook.secret) => createHmac('sha256', secret).update(body).digest('base64');

  it('answers 403 to a wrong or missing signature', async () => {
    const body = JSON.stringify({ type: 'achievement.completed' });
    assert.equal((await post(body, sign(body, 'whsec_someoneelse'))).status, 403);
    assert.equal((await post(body, undefined)).status, 403);
    assert.equal((await post(body, sign(`${body} `))).status, 403, 'a signature of other bytes');
    await receiver.waitFor(/^BAD SIGNATURE/);
  });

  it('verifies the raw bytes: a character split across two chunks of the body still verifies', async () => {
    const body = Buffer.from(JSON.stringify({ type: 'achievement.completed', user: { id: 'zoë' } }));
    const cut = body.indexOf(Buffer.from('ë')) + 1; // inside the two bytes of ë
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-trophy-signature': sign(body) } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(body.subarray(0, cut));
      // A pause, so the receiver gets the halves as separate chunks.
      setTimeout(() => req.end(body.subarray(cut)), 100);
    });
    assert.equal(status, 200);
    await receiver.waitFor(/^verified achievement\.completed zoë$/);
  });

  it('answers 400 to a signed body that is not JSON, and keeps running', async () => {
    const body = 'not json';
    assert.equal((await post(body, sign(body))).status, 400);
    await receiver.waitFor(/^verified, but the body is not JSON$/);
    const valid = JSON.stringify({ type: 'streak.lost' });
    assert.equal((await post(valid, sign(valid))).status, 200);
    assert.equal(receiver.child.exitCode, null);
  });

  it('refuses to start without LAUREL_WEBHOOK_SECRET, saying so', async () => {
    const missing = startReceiver({ RECEIVER_PORT: String(await freePort()) });
    const [code] = await once(missing.child, 'exit');
    assert.notEqual(code, 0);
    assert.match(missing.output.join('\n'), /^Set LAUREL_WEBHOOK_SECRET to the webhook's signing secret/m);
  });
});
