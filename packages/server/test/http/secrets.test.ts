import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { ManualClock } from '../../src/clock.js';
import { generateWebhookSecret } from '../../src/webhooks/secrets.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { standardVerify, startReceiver, trophyVerify, type ReceivedRequest, type Receiver } from '../support/receiver.js';
import { WEBHOOKS, createWebhook } from '../support/webhooks.js';
import { assertError } from '../support/assert-error.js';
import { WEBHOOK_TABLES, assertNothingWritten } from '../support/stored-state.js';
import { rawRequest } from './raw-request.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

forEachBackend('webhook secrets', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    clock = laurel.clock as ManualClock;
  });
  after(() => laurel.close());

  const getSecret = async (id: string) => {
    const response = await laurel.api('GET', `${WEBHOOKS}/${id}/secret`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body as { secret: string; previousSecrets: { secret: string; expires: string }[] };
  };
  const rotate = async (id: string, body?: unknown) => {
    const response = await laurel.api('POST', `${WEBHOOKS}/${id}/secret/rotate`, body === undefined ? {} : { body });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body as { secret: string; previousSecrets: { secret: string; expires: string }[] };
  };
  const at = (offsetMs: number) => new Date(clock.now() + offsetMs).toISOString();

  test('the secret call returns the secret given at creation, and nothing else', async () => {
    const created = await createWebhook(laurel);
    assert.deepEqual(await getSecret(created.id), { secret: created.secret, previousSecrets: [] });
  });

  test('each webhook has its own secret; rotating one leaves the others alone', async () => {
    const first = await createWebhook(laurel);
    const second = await createWebhook(laurel);
    await rotate(first.id);
    assert.deepEqual(await getSecret(second.id), { secret: second.secret, previousSecrets: [] });
  });

  test('a rotation with no body keeps the previous secret for 24 hours', async () => {
    const created = await createWebhook(laurel);
    // The bare call, no body and no content-type, as `curl -X POST` sends it.
    const response = await rawRequest(laurel, { method: 'POST', url: `${WEBHOOKS}/${created.id}/secret/rotate` });
    assert.equal(response.status, 200, JSON.stringify(response.body));

    const { secret, previousSecrets } = response.body;
    assert.match(secret, /^whsec_/);
    assert.equal(Buffer.from(secret.slice('whsec_'.length), 'base64').length, 32);
    assert.notEqual(secret, created.secret);
    assert.deepEqual(previousSecrets, [{ secret: created.secret, expires: at(DAY) }]);
    assert.deepEqual(await getSecret(created.id), response.body, 'the secret call shows the same as the rotation answered');
  });

  test('a rotation with {} uses the same 24-hour default, and overlapSeconds sets another window', async () => {
    const defaulted = await createWebhook(laurel);
    assert.deepEqual((await rotate(defaulted.id, {})).previousSecrets, [{ secret: defaulted.secret, expires: at(DAY) }]);

    const custom = await createWebhook(laurel);
    assert.deepEqual((await rotate(custom.id, { overlapSeconds: 90 })).previousSecrets, [{ secret: custom.secret, expires: at(90_000) }]);

    const longest = await createWebhook(laurel);
    assert.deepEqual((await rotate(longest.id, { overlapSeconds: 7 * 24 * 3600 })).previousSecrets, [
      { secret: longest.secret, expires: at(7 * DAY) },
    ]);
  });

  test('a rotation with overlapSeconds 0 retires the previous secret at once', async () => {
    const created = await createWebhook(laurel);
    const rotated = await rotate(created.id, { overlapSeconds: 0 });
    assert.notEqual(rotated.secret, created.secret);
    assert.deepEqual(rotated.previousSecrets, []);
    assert.deepEqual(await getSecret(created.id), rotated);
  });

  test('the previous secret is listed until the clock reaches the end of its window, then dropped', async () => {
    const created = await createWebhook(laurel);
    const rotated = await rotate(created.id, { overlapSeconds: 3600 });
    clock.advance(HOUR - 1);
    assert.deepEqual((await getSecret(created.id)).previousSecrets.map((s) => s.secret), [created.secret]);
    clock.advance(1);
    assert.deepEqual(await getSecret(created.id), { secret: rotated.secret, previousSecrets: [] });
  });

  test('rotating twice keeps, newest first, only the secrets still inside their windows', async () => {
    const created = await createWebhook(laurel);
    const start = clock.now();
    const second = await rotate(created.id);
    clock.advance(HOUR);
    const third = await rotate(created.id);
    assert.deepEqual(third.previousSecrets, [
      { secret: second.secret, expires: at(DAY) },
      { secret: created.secret, expires: new Date(start + DAY).toISOString() },
    ]);

    clock.set(start + DAY);
    assert.deepEqual(await getSecret(created.id), { secret: third.secret, previousSecrets: [third.previousSecrets[0]!] });
    clock.set(start + HOUR + DAY);
    assert.deepEqual(await getSecret(created.id), { secret: third.secret, previousSecrets: [] });
  });

  test('a later rotation never extends an older secret\'s window, and overlap 0 retires every previous secret', async () => {
    const created = await createWebhook(laurel);
    const start = clock.now();
    await rotate(created.id, { overlapSeconds: 600 });
    clock.advance(60_000);
    const second = await rotate(created.id);
    assert.deepEqual(
      second.previousSecrets.find((s) => s.secret === created.secret)?.expires,
      new Date(start + 600_000).toISOString(),
      'the first secret keeps its own, shorter window',
    );
    const third = await rotate(created.id, { overlapSeconds: 0 });
    assert.deepEqual(third.previousSecrets, []);
  });

  test('concurrent rotations (a double-clicked button) leave exactly one current secret', async () => {
    const created = await createWebhook(laurel);
    const rotations = await Promise.all([1, 2, 3].map(() => rotate(created.id)));
    const { secret, previousSecrets } = await getSecret(created.id);
    assert.ok(
      rotations.some((r) => r.secret === secret),
      'the current secret is one that a rotation answered with',
    );
    assert.deepEqual(
      [secret, ...previousSecrets.map((s) => s.secret)].sort(),
      [created.secret, ...rotations.map((r) => r.secret)].sort(),
    );
    for (const previous of previousSecrets) assert.equal(previous.expires, at(DAY), 'every replaced secret has its window');
  });

  for (const [title, body, pattern] of [
    ['a negative overlap', { overlapSeconds: -1 }, /body\.overlapSeconds: .*>=0/],
    ['an overlap over 7 days', { overlapSeconds: 7 * 24 * 3600 + 1 }, /body\.overlapSeconds: .*<=604800/],
    ['a fractional overlap', { overlapSeconds: 1.5 }, /body\.overlapSeconds: .*int/],
    ['an overlap as a string', { overlapSeconds: '3600' }, /body\.overlapSeconds: .*expected number/],
    ['a body that is an array', [], /body: .*expected object/],
  ] as const) {
    test(`a rotation with ${title} is refused with 422, and the secret stays as it was`, async () => {
      const created = await createWebhook(laurel);
      const response = await assertNothingWritten(laurel, WEBHOOK_TABLES, () => laurel.api('POST', `${WEBHOOKS}/${created.id}/secret/rotate`, { body }));
      assertError(response, 422, pattern);
      assert.deepEqual(await getSecret(created.id), { secret: created.secret, previousSecrets: [] });
    });
  }
});

forEachBackend('secret rotation end to end', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;
  let receiver: Receiver;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url });
    clock = laurel.clock as ManualClock;
    receiver = await startReceiver();
    // This test checks the signatures itself; the receiver just says thank you.
    receiver.reply = () => ({ status: 200 });
  });
  after(async () => {
    await laurel.close();
    await receiver.close();
  });

  /** Sends a test event and returns the request as the receiver got it, once its attempt is recorded. */
  async function sendTestEvent(webhookId: string): Promise<ReceivedRequest> {
    const count = receiver.received.length;
    const succeeded = laurel.next('delivery:succeeded', (attempt) => attempt.webhookId === webhookId);
    const sent = await laurel.api('POST', `${WEBHOOKS}/${webhookId}/test`, { body: { type: 'points.changed' } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const [attempt] = await succeeded;
    assert.equal(attempt.deliveryId, sent.body.id);
    const request = receiver.received[count];
    assert.ok(request, 'the receiver got the test event');
    assert.equal(request.headers['webhook-id'], sent.body.id);
    return request;
  }

  const signatures = (request: ReceivedRequest) => String(request.headers['webhook-signature']).split(' ');

  /** The one `v1,` entry a Standard Webhooks sender would put in webhook-signature for this secret. */
  function expectedSignature(request: ReceivedRequest, secret: string): string {
    const timestamp = new Date(Number(request.headers['webhook-timestamp']) * 1000);
    return new StandardWebhook(secret).sign(String(request.headers['webhook-id']), timestamp, request.body);
  }

  test('during the overlap both secrets sign webhook-signature; X-Trophy-Signature uses only the new one', async () => {
    const created = await createWebhook(laurel, { url: receiver.url, events: ['points.changed'] });
    const oldSecret: string = created.secret;
    const newSecret: string = (await laurel.api('POST', `${WEBHOOKS}/${created.id}/secret/rotate`, { body: {} })).body.secret;

    const request = await sendTestEvent(created.id);
    const entries = signatures(request);
    assert.equal(entries.length, 2, `two signatures expected, got ${request.headers['webhook-signature']}`);
    for (const entry of entries) assert.match(entry, /^v1,[A-Za-z0-9+/]+={0,2}$/);

    assert.ok(standardVerify(request.body, request.headers, newSecret), 'a receiver holding only the new secret accepts it');
    assert.ok(standardVerify(request.body, request.headers, oldSecret), 'a receiver still holding only the old secret accepts it');
    assert.equal(standardVerify(request.body, request.headers, generateWebhookSecret()), false, 'an unrelated secret does not verify');

    const trophySignature = String(request.headers['x-trophy-signature']);
    assert.ok(trophyVerify(request.body, trophySignature, newSecret), 'X-Trophy-Signature verifies with the new secret');
    assert.equal(trophyVerify(request.body, trophySignature, oldSecret), false, 'and not with the old one');
  });

  test('once the overlap has passed, only the new secret signs', async () => {
    const created = await createWebhook(laurel, { url: receiver.url, events: ['points.changed'] });
    const newSecret: string = (await laurel.api('POST', `${WEBHOOKS}/${created.id}/secret/rotate`, { body: { overlapSeconds: 60 } })).body.secret;
    clock.advance(60_000);

    // The timestamp is now a minute ahead of the wall clock, so check the entry directly rather than with a replay window.
    const request = await sendTestEvent(created.id);
    assert.deepEqual(signatures(request), [expectedSignature(request, newSecret)]);
    assert.ok(trophyVerify(request.body, String(request.headers['x-trophy-signature']), newSecret));
  });

  test('after a rotation with overlap 0 the old secret no longer verifies anything', async () => {
    const created = await createWebhook(laurel, { url: receiver.url, events: ['points.changed'] });
    const newSecret: string = (await laurel.api('POST', `${WEBHOOKS}/${created.id}/secret/rotate`, { body: { overlapSeconds: 0 } })).body.secret;

    const request = await sendTestEvent(created.id);
    assert.deepEqual(signatures(request), [expectedSignature(request, newSecret)]);
    assert.ok(standardVerify(request.body, request.headers, newSecret));
    assert.equal(standardVerify(request.body, request.headers, created.secret), false);
    assert.equal(trophyVerify(request.body, String(request.headers['x-trophy-signature']), created.secret), false);
  });
});
