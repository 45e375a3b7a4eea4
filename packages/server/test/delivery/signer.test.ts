import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { signatureHeaders, trophySignature } from '../../src/delivery/signer.js';
import { trophyVerify } from '../support/receiver.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

function sign(body: string, secrets: string[], overrides: { deliveryId?: string; timestamp?: number } = {}) {
  return signatureHeaders({
    deliveryId: overrides.deliveryId ?? 'b0a8b7ce-5b7a-4d0e-9c51-3f1c1f7f1d2e',
    eventType: 'achievement.completed',
    timestamp: overrides.timestamp ?? Math.floor(Date.now() / 1000),
    body,
    secrets,
    userAgent: 'Laurel-Webhooks/0.1.0',
  });
}

function standardVerifies(body: string, headers: Record<string, string>, secret: string): boolean {
  try {
    new StandardWebhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

describe('signatureHeaders', () => {
  const body = JSON.stringify({ type: 'achievement.completed', user: { id: 'user-1', name: 'Zoë 🏆' } });

  it('sends the content type, user agent and Standard Webhooks id/timestamp', () => {
    const headers = sign(body, [newSecret()], { deliveryId: 'delivery-1', timestamp: 1_767_225_600 });
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['user-agent'], 'Laurel-Webhooks/0.1.0');
    assert.equal(headers['webhook-id'], 'delivery-1');
    assert.equal(headers['webhook-timestamp'], '1767225600');
    assert.match(headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it("X-Trophy-Signature is what Trophy's documented check computes: base64 HMAC-SHA256 of the raw body keyed with the secret string", () => {
    const secret = newSecret();
    const headers = sign(body, [secret]);
    assert.equal(headers['x-trophy-signature'], createHmac('sha256', secret).update(body).digest('base64'));
    assert.equal(trophySignature(body, secret), headers['x-trophy-signature']);
    assert.ok(trophyVerify(body, headers['x-trophy-signature'], secret));
    assert.ok(!trophyVerify(`${body} `, headers['x-trophy-signature'], secret), 'one extra byte breaks it');
  });

  it('the Standard Webhooks reference library verifies it, and rejects a tampered body, id or timestamp', () => {
    const secret = newSecret();
    const headers = sign(body, [secret]);
    assert.ok(standardVerifies(body, headers, secret));
    assert.ok(!standardVerifies(body.replace('user-1', 'user-2'), headers, secret));
    assert.ok(!standardVerifies(body, { ...headers, 'webhook-id': 'another-delivery' }, secret));
    assert.ok(!standardVerifies(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) }, secret));
    assert.ok(!standardVerifies(body, headers, newSecret()), 'another secret does not verify');
  });

  it('during a rotation overlap signs with every active secret; Trophy\'s header uses the newest', () => {
    const [current, previous] = [newSecret(), newSecret()];
    const headers = sign(body, [current, previous]);
    assert.equal(headers['webhook-signature']!.split(' ').length, 2);
    assert.ok(standardVerifies(body, headers, current), 'receivers already on the new secret verify');
    assert.ok(standardVerifies(body, headers, previous), 'receivers still on the old secret verify');
    assert.ok(trophyVerify(body, headers['x-trophy-signature'], current));
    assert.ok(!trophyVerify(body, headers['x-trophy-signature'], previous));
  });

  it('the same delivery signed at another time gets another Standard Webhooks signature but the same Trophy one', () => {
    const secret = newSecret();
    const now = Math.floor(Date.now() / 1000);
    const a = sign(body, [secret], { timestamp: now });
    const b = sign(body, [secret], { timestamp: now + 60 });
    assert.notEqual(a['webhook-signature'], b['webhook-signature']);
    assert.equal(a['x-trophy-signature'], b['x-trophy-signature']);
  });

  it('refuses to sign without a secret', () => {
    assert.throws(() => sign(body, []), /at least one active secret/);
  });
});
