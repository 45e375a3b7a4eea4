import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { verify, verifyDelivery, WebhookVerificationError, type VerificationErrorCode } from '../src/index.js';
import { newSecret, sign, trophyOnly } from './support/signing.js';

async function rejects(promise: Promise<unknown>, code: VerificationErrorCode, message?: RegExp): Promise<WebhookVerificationError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WebhookVerificationError, `expected a WebhookVerificationError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected ${code}, but it verified`);
}

describe('verify: what the server signs', () => {
  const secret = newSecret();

  it('accepts a delivery and returns the event, its id, timestamp and scheme', async () => {
    const signed = sign([secret], { type: 'achievement.completed' });
    const delivery = await verifyDelivery(signed.body, signed.headers, secret);
    assert.deepEqual(delivery.event, JSON.parse(signed.body));
    assert.equal(delivery.event.type, 'achievement.completed');
    assert.equal(delivery.id, signed.id);
    assert.equal(delivery.timestamp, signed.timestamp);
    assert.equal(delivery.scheme, 'standard-webhooks');
    assert.deepEqual(await verify(signed.body, signed.headers, secret), delivery.event);
  });

  it('takes the body as a string, a Buffer, a pooled Buffer slice, a Uint8Array, an ArrayBuffer or a DataView', async () => {
    const signed = sign([secret]);
    const buffer = Buffer.from(signed.body);
    const pooled = Buffer.concat([Buffer.from('junk before'), buffer, Buffer.from('junk after')]).subarray(11, 11 + buffer.length);
    const bytes = new Uint8Array(buffer);
    for (const body of [signed.body, buffer, pooled, bytes, bytes.buffer, new DataView(bytes.buffer)]) {
      assert.equal((await verify(body, signed.headers, secret)).type, 'streak.lost');
    }
  });

  it('verifies non-ASCII bodies byte for byte, whether given as text or bytes', async () => {
    const body = JSON.stringify({ type: 'streak.lost', user: { id: 'u', name: 'Zoë 🏆 Ñandú' }, length: 3 });
    const signed = sign([secret], { body });
    assert.equal(((await verify(signed.body, signed.headers, secret)) as { user: { name: string } }).user.name, 'Zoë 🏆 Ñandú');
    await verify(Buffer.from(signed.body), signed.headers, secret);
  });

  it('takes headers as a Web Headers, a Node headers object, or a plain object in any case', async () => {
    const signed = sign([secret]);
    const mixedCase = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()), v]));
    assert.ok('Webhook-Signature' in mixedCase);
    const nodeHeaders: IncomingHttpHeaders = { ...signed.headers, 'set-cookie': ['a=1', 'b=2'] };
    for (const headers of [new Headers(signed.headers), nodeHeaders, mixedCase]) {
      assert.equal((await verify(signed.body, headers, secret)).type, 'streak.lost');
    }
  });

  it('agrees with the Standard Webhooks reference library both ways', async () => {
    const body = sign([secret]).body;
    const id = 'msg_2a';
    const timestamp = new Date();
    const signature = new StandardWebhook(secret).sign(id, timestamp, body);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature };
    assert.equal((await verify(body, headers, secret)).type, 'streak.lost');
    const ours = sign([secret]);
    assert.deepEqual(new StandardWebhook(secret).verify(ours.body, ours.headers), JSON.parse(ours.body));
  });

  it('lets unknown event types through, for a newer server', async () => {
    const signed = sign([secret], { body: '{"type":"quests.completed","quest":{"id":"q1"}}' });
    assert.equal((await verify(signed.body, signed.headers, secret)).type as string, 'quests.completed');
  });
});

describe('verify: tampering and wrong secrets', () => {
  const secret = newSecret();

  it('refuses a body changed by one byte', async () => {
    const signed = sign([secret]);
    await rejects(verify(signed.body.replace('"length":9', '"length":8'), signed.headers, secret), 'no_matching_signature', /raw body/);
  });

  it('refuses a body that was parsed and serialised again, and says why', async () => {
    const signed = sign([secret]);
    const parsed = JSON.parse(signed.body);
    await rejects(verify(JSON.stringify(parsed, null, 2), signed.headers, secret), 'no_matching_signature', /indented JSON/);
    const { type, ...rest } = parsed;
    await rejects(verify(JSON.stringify({ ...rest, type }), signed.headers, secret), 'no_matching_signature', /does not start with \{"type":/);
  });

  it('refuses another secret, and a changed id or timestamp', async () => {
    const signed = sign([secret]);
    await rejects(verify(signed.body, signed.headers, newSecret()), 'no_matching_signature', /secret is not this webhook's/);
    await rejects(verify(signed.body, { ...signed.headers, 'webhook-id': 'another' }, secret), 'no_matching_signature');
    const earlier = String(signed.timestamp - 1);
    await rejects(verify(signed.body, { ...signed.headers, 'webhook-timestamp': earlier }, secret), 'no_matching_signature');
  });

  it('refuses a signature that is not base64, or of another version, next to nothing valid', async () => {
    const signed = sign([secret]);
    await rejects(verify(signed.body, { ...signed.headers, 'webhook-signature': 'v1,not*base64' }, secret), 'malformed_header');
    await rejects(verify(signed.body, { ...signed.headers, 'webhook-signature': 'v1a,AAAA' }, secret), 'malformed_header', /no v1,<base64> entry/);
    const wrong = `v1a,AAAA v1,${Buffer.alloc(32).toString('base64')}  ${signed.headers['webhook-signature']}`;
    assert.equal((await verify(signed.body, { ...signed.headers, 'webhook-signature': wrong }, secret)).type, 'streak.lost', 'any entry may match');
  });

  it('hints at whsec_ when a secret given does not look like Laurel\'s', async () => {
    const signed = sign([secret]);
    await rejects(verify(signed.body, signed.headers, `whsec_${Buffer.alloc(32).toString('base64')}`), 'no_matching_signature');
    await rejects(verify(signed.body, signed.headers, Buffer.alloc(32, 7).toString('base64')), 'no_matching_signature', /start with whsec_/);
  });
});

describe('verify: timestamps', () => {
  const secret = newSecret();
  const signed = sign([secret], { timestamp: 1_767_225_600 });
  const at = (seconds: number) => ({ now: () => seconds * 1000 });

  it('accepts up to the tolerance either way (default 5 minutes)', async () => {
    await verify(signed.body, signed.headers, secret, at(signed.timestamp + 300));
    await verify(signed.body, signed.headers, secret, at(signed.timestamp - 300));
  });

  it('refuses an old one as stale, saying by how much and what to check', async () => {
    await rejects(verify(signed.body, signed.headers, secret, at(signed.timestamp + 301)), 'stale_timestamp', /signed 301 s ago.*300 s tolerance.*replay.*clock/s);
  });

  it('refuses one from the future', async () => {
    await rejects(verify(signed.body, signed.headers, secret, at(signed.timestamp - 301)), 'future_timestamp', /301 s ahead/);
  });

  it('takes another tolerance', async () => {
    await verify(signed.body, signed.headers, secret, { ...at(signed.timestamp + 3000), toleranceSeconds: 3600 });
    await rejects(verify(signed.body, signed.headers, secret, { ...at(signed.timestamp + 31), toleranceSeconds: 30 }), 'stale_timestamp');
  });

  it('checks the signature first: a forged request with an old timestamp is a signature error, not a clock one', async () => {
    await rejects(verify(signed.body, signed.headers, newSecret(), at(signed.timestamp + 3600)), 'no_matching_signature');
  });

  it('refuses a timestamp that is not Unix seconds', async () => {
    for (const value of ['2026-01-01T00:00:00Z', '1767225600.5', '-5', 'soon']) {
      await rejects(verify(signed.body, { ...signed.headers, 'webhook-timestamp': value }, secret), 'malformed_header', /not Unix seconds/);
    }
  });
});

describe('verify: rotation', () => {
  const [oldSecret, newSecretValue] = [newSecret(), newSecret()];

  it('during the server\'s overlap, both the old and the new secret verify (webhook-signature carries both)', async () => {
    const signed = sign([newSecretValue, oldSecret]);
    assert.equal(signed.headers['webhook-signature']!.split(' ').length, 2);
    await verify(signed.body, signed.headers, oldSecret);
    await verify(signed.body, signed.headers, newSecretValue);
  });

  it('a receiver trusting both verifies before, during and after the overlap', async () => {
    for (const secrets of [[oldSecret], [newSecretValue, oldSecret], [newSecretValue]]) {
      const signed = sign(secrets);
      await verify(signed.body, signed.headers, [newSecretValue, oldSecret]);
    }
  });

  it('after the overlap, the old secret alone no longer verifies', async () => {
    const signed = sign([newSecretValue]);
    await rejects(verify(signed.body, signed.headers, oldSecret), 'no_matching_signature');
  });
});

describe('verify: X-Trophy-Signature alone (Trophy compatibility)', () => {
  const secret = newSecret();

  it('verifies with the secret string as the HMAC key, as existing Trophy handlers do', async () => {
    const signed = sign([secret], { type: 'points.changed' });
    const delivery = await verifyDelivery(signed.body, trophyOnly(signed.headers), secret);
    assert.equal(delivery.scheme, 'trophy');
    assert.equal(delivery.event.type, 'points.changed');
    assert.equal(delivery.id, signed.id, 'from X-Trophy-Webhook-Id');
    assert.equal(delivery.timestamp, undefined);
  });

  it('accepts a secret in any format, such as one Trophy issued', async () => {
    const trophySecret = 'trophy-style secret 0123456789';
    const body = '{"type":"achievement.completed","user":{"id":"u1"}}';
    const headers = { 'x-trophy-signature': createHmac('sha256', trophySecret).update(body).digest('base64') };
    assert.equal((await verify(body, headers, trophySecret)).type, 'achievement.completed');
  });

  it('is signed with the newest secret only, and the error says so', async () => {
    const [current, previous] = [newSecret(), newSecret()];
    const signed = sign([current, previous]);
    await verify(signed.body, trophyOnly(signed.headers), current);
    await verify(signed.body, trophyOnly(signed.headers), [previous, current]);
    await rejects(verify(signed.body, trophyOnly(signed.headers), previous), 'no_matching_signature', /newest secret only/);
  });

  it('refuses a tampered body', async () => {
    const signed = sign([secret]);
    await rejects(verify(`${signed.body} `, trophyOnly(signed.headers), secret), 'no_matching_signature');
  });

  it('is refused with requireTimestamp', async () => {
    const signed = sign([secret]);
    await rejects(verify(signed.body, trophyOnly(signed.headers), secret, { requireTimestamp: true }), 'timestamp_required', /proxy/);
    await verify(signed.body, signed.headers, secret, { requireTimestamp: true });
  });

  it('is never a fallback when Standard Webhooks headers are present: a stale replay stays refused', async () => {
    const signed = sign([secret], { timestamp: 1_767_225_600 });
    await rejects(verify(signed.body, signed.headers, secret, { now: () => (signed.timestamp + 3600) * 1000 }), 'stale_timestamp');
  });
});

describe('verify: missing and malformed input', () => {
  const secret = newSecret();
  const signed = sign([secret]);

  it('no signature header at all', async () => {
    await rejects(verify(signed.body, { 'content-type': 'application/json' }, secret), 'missing_signature', /neither webhook-signature nor X-Trophy-Signature/);
    await rejects(verify(signed.body, undefined as never, secret), 'missing_signature', /No headers were given/);
  });

  it('names the Standard Webhooks header that is missing', async () => {
    const { 'webhook-id': _id, ...noId } = signed.headers;
    await rejects(verify(signed.body, noId, secret), 'missing_header', /^webhook-id is missing/);
    const { 'webhook-timestamp': _ts, 'webhook-signature': _sig, ...onlyId } = signed.headers;
    await rejects(verify(signed.body, onlyId, secret), 'missing_header', /^webhook-timestamp and webhook-signature are missing/);
  });

  it('a parsed object as the body: body_not_raw, telling how to get the raw body and not to JSON.stringify', async () => {
    const error = await rejects(verify(JSON.parse(signed.body), signed.headers, secret), 'body_not_raw', /already parsed object/);
    assert.match(error.message, /express\.raw\(\{ type: 'application\/json' \}\)/);
    assert.match(error.message, /request\.text\(\)/);
    assert.match(error.message, /Do not JSON\.stringify/);
    assert.equal(error.status, 500);
  });

  it('undefined, a Request, a stream or a number as the body: body_not_raw, each with its own advice', async () => {
    // Each is a type error too; the casts stand for JavaScript callers and `any` values.
    await rejects(verify(undefined as never, signed.headers, secret), 'body_not_raw', /body is undefined/);
    const request = new Request('http://localhost/webhooks', { method: 'POST', body: signed.body });
    await rejects(verify(request as never, signed.headers, secret), 'body_not_raw', /Request \(or Response\) object.*await request\.text\(\)/);
    await rejects(verify(request.body as never, signed.headers, secret), 'body_not_raw', /stream that has not been read/);
    await rejects(verify(42 as never, signed.headers, secret), 'body_not_raw', /a number/);
    const event = await verify(signed.body, signed.headers, secret);
    // @ts-expect-error a typed, parsed object is refused by the compiler before it is refused at run time
    await rejects(verify(event, signed.headers, secret), 'body_not_raw');
  });

  it('secrets that cannot be right: invalid_secret', async () => {
    await rejects(verify(signed.body, signed.headers, ''), 'invalid_secret', /empty string.*environment variable/);
    await rejects(verify(signed.body, signed.headers, undefined as never), 'invalid_secret', /undefined/);
    await rejects(verify(signed.body, signed.headers, []), 'invalid_secret', /empty list/);
    await rejects(verify(signed.body, signed.headers, `${secret}\n`), 'invalid_secret', /whitespace/);
    await rejects(verify(signed.body, signed.headers, [secret, 'whsec_***']), 'invalid_secret', /Secret #2 is not base64/);
  });

  it('a signed body that is not a JSON object with a type: invalid_payload', async () => {
    for (const body of ['not json', '[1,2]', '{"kind":"x"}', 'null']) {
      const s = sign([secret], { body });
      await rejects(verify(s.body, s.headers, secret), 'invalid_payload');
    }
  });

  it('an empty body says so', async () => {
    await rejects(verify('', signed.headers, secret), 'no_matching_signature', /body is empty/);
  });
});

describe('WebhookVerificationError', () => {
  it('is an Error with a name, a code and the status the handlers answer', async () => {
    const error = await rejects(verify('{}', {}, newSecret()), 'missing_signature');
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'WebhookVerificationError');
    assert.equal(error.status, 401);
  });
});
