import { createHmac } from 'node:crypto';

/**
 * Signs one attempt. Two schemes ride together so both kinds of receiver work unchanged:
 * - Trophy's: `X-Trophy-Signature` = base64 HMAC-SHA256 of the raw body, keyed with the secret
 *   string exactly as shown (what Trophy's docs verify), using the newest secret.
 * - Standard Webhooks: `webhook-signature` = `v1,<base64 HMAC of "id.timestamp.body">` keyed with
 *   the base64-decoded part after `whsec_`, one entry per active secret so rotation is seamless.
 */
export interface SignInput {
  deliveryId: string;
  eventType: string;
  /** Unix seconds; set per attempt so receivers can reject replays. */
  timestamp: number;
  body: string;
  /** Active secrets, newest first. */
  secrets: readonly string[];
  userAgent: string;
}

export function signatureHeaders(input: SignInput): Record<string, string> {
  const [newest] = input.secrets;
  if (!newest) throw new Error('a webhook always has at least one active secret');
  const signedContent = `${input.deliveryId}.${input.timestamp}.${input.body}`;
  const standard = input.secrets
    .map((secret) => `v1,${createHmac('sha256', standardKey(secret)).update(signedContent).digest('base64')}`)
    .join(' ');
  return {
    'content-type': 'application/json',
    'user-agent': input.userAgent,
    'x-trophy-signature': trophySignature(input.body, newest),
    'x-trophy-webhook-id': input.deliveryId,
    'x-trophy-event-type': input.eventType,
    'x-trophy-timestamp': String(input.timestamp),
    'webhook-id': input.deliveryId,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': standard,
  };
}

export function trophySignature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

const decodedKeys = new Map<string, Buffer>();

/** Standard Webhooks keys are the bytes after `whsec_`; decoding once per secret keeps signing cheap. */
function standardKey(secret: string): Buffer {
  let key = decodedKeys.get(secret);
  if (!key) {
    key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
    if (decodedKeys.size > 10_000) decodedKeys.clear();
    decodedKeys.set(secret, key);
  }
  return key;
}
