import { base64Decode, concat, hmacSha256, timingSafeEqual, utf8, type Bytes } from './crypto.js';
import { WebhookVerificationError } from './errors.js';
import type { WebhookEvent } from './events.js';
import { headerReader, type HeaderReader, type HeadersInput } from './headers.js';
import { readRawBody, reserialisationHint, type BodyBytes, type RawBody } from './raw-body.js';
import { looksLikeLaurelSecret, secretList, standardKey, trophyKey, type Secret } from './secrets.js';

export interface VerifyOptions {
  /** How far webhook-timestamp may be from this machine's clock, either way, in seconds. Default 300. */
  toleranceSeconds?: number;
  /**
   * Refuse requests signed only with X-Trophy-Signature. That header covers the body alone, so a
   * captured request could be replayed at any time. Laurel always sends both; Trophy sends only it.
   * Default false.
   */
  requireTimestamp?: boolean;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. For tests. */
  now?: () => number;
}

export type SignatureScheme = 'standard-webhooks' | 'trophy';

export interface VerifiedDelivery {
  event: WebhookEvent;
  /**
   * The delivery id (webhook-id, or X-Trophy-Webhook-Id without it): the same on every retry and
   * resend of one delivery, so it is the key to deduplicate on. undefined when the sender gave none.
   */
  id: string | undefined;
  /** webhook-timestamp: when this attempt was signed, in Unix seconds. undefined for the Trophy scheme. */
  timestamp: number | undefined;
  /** Which header was verified. */
  scheme: SignatureScheme;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Verifies one delivery and returns its event, typed by `type`. Throws a WebhookVerificationError
 * whose `code` and message say what is wrong.
 *
 * `rawBody` must be the body exactly as received (string or bytes), never a parsed object. The
 * type says so to TypeScript; a parsed object that gets through anyway (`req.body` is `any` in
 * Express) is refused at run time with `body_not_raw`.
 */
export async function verify(rawBody: RawBody, headers: HeadersInput, secret: Secret, options?: VerifyOptions): Promise<WebhookEvent> {
  return (await verifyDelivery(rawBody, headers, secret, options)).event;
}

/** Like verify, and also returns the delivery id (for idempotency), the timestamp and the scheme. */
export async function verifyDelivery(
  rawBody: RawBody,
  headers: HeadersInput,
  secret: Secret,
  options: VerifyOptions = {},
): Promise<VerifiedDelivery> {
  const body = readRawBody(rawBody);
  const header = headerReader(headers);
  const secrets = secretList(secret);

  // Webhook-signature wins whenever any of its headers is present: it signs the id and timestamp
  // too, so falling back to the body-only header would reopen the door to replays.
  if (header('webhook-signature') || header('webhook-id') || header('webhook-timestamp')) {
    return verifyStandard(body, header, secrets, options);
  }
  if (header('x-trophy-signature')) {
    if (options.requireTimestamp) {
      throw new WebhookVerificationError(
        'timestamp_required',
        'Only X-Trophy-Signature was sent, which signs the body without a timestamp, and this receiver was set up with ' +
          'requireTimestamp. Laurel always sends webhook-id, webhook-timestamp and webhook-signature too: if they are missing, a proxy ' +
          'in between removed them.',
      );
    }
    return verifyTrophy(body, header, secrets);
  }
  throw new WebhookVerificationError(
    'missing_signature',
    'The request has neither webhook-signature nor X-Trophy-Signature, so it cannot be verified. Is it from Laurel? ' +
      'If it is, something in between (a proxy, a tunnel, a test tool) dropped the headers.',
  );
}

async function verifyStandard(body: BodyBytes, header: HeaderReader, secrets: string[], options: VerifyOptions): Promise<VerifiedDelivery> {
  const id = header('webhook-id');
  const timestampText = header('webhook-timestamp');
  const signatureText = header('webhook-signature');
  const missing = [
    ['webhook-id', id],
    ['webhook-timestamp', timestampText],
    ['webhook-signature', signatureText],
  ]
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new WebhookVerificationError(
      'missing_header',
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing; Standard Webhooks signatures need webhook-id, ` +
        'webhook-timestamp and webhook-signature together. Pass all of the request\'s headers.',
    );
  }
  if (!/^\d{1,15}$/.test(timestampText!)) {
    throw new WebhookVerificationError('malformed_header', `webhook-timestamp is ${JSON.stringify(timestampText)}, not Unix seconds.`);
  }
  const timestamp = Number(timestampText);
  const given = signatureText!
    .split(/\s+/)
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => base64Decode(entry.slice(3)))
    .filter((bytes): bytes is Bytes => bytes !== undefined);
  if (given.length === 0) {
    throw new WebhookVerificationError(
      'malformed_header',
      'webhook-signature has no v1,<base64> entry (the HMAC-SHA256 scheme), so there is nothing this library can check.',
    );
  }

  // Every key is derived before any is tried, so a bad secret is reported whichever one would match.
  const keys = secrets.map((secret, index) => standardKey(secret, label(index, secrets.length)));
  const signed = concat(utf8(`${id}.${timestampText}.`), body.bytes);
  let matched = false;
  for (const key of keys) {
    const expected = await hmacSha256(key, signed);
    if (given.some((signature) => timingSafeEqual(signature, expected))) {
      matched = true;
      break;
    }
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'no_matching_signature',
      `${given.length === 1 ? 'The signature' : `None of the ${given.length} signatures`} in webhook-signature ` +
        `${given.length === 1 ? 'does not match' : 'matches'} the body under ${countSecrets(secrets)}. ` +
        mismatchAdvice(body, secrets, 'webhook-signature'),
    );
  }

  // Checked after the signature, so a timestamp error always means a genuine delivery, just not a fresh one.
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const age = nowSeconds - timestamp;
  if (age > tolerance) {
    throw new WebhookVerificationError(
      'stale_timestamp',
      `The delivery was signed ${age} s ago (webhook-timestamp ${timestamp}, ${iso(timestamp)}; this machine says ${iso(nowSeconds)}), ` +
        `more than the ${tolerance} s tolerance. Either it is a replay of an old request, or this machine's clock is behind (check NTP). ` +
        'Laurel signs each retry afresh, so a genuine retry is never stale.',
    );
  }
  if (-age > tolerance) {
    throw new WebhookVerificationError(
      'future_timestamp',
      `webhook-timestamp ${timestamp} (${iso(timestamp)}) is ${-age} s ahead of this machine's clock (${iso(nowSeconds)}), more than the ` +
        `${tolerance} s tolerance. One of the two clocks is wrong: check NTP on this machine and on the Laurel server.`,
    );
  }
  return { event: parseEvent(body), id, timestamp, scheme: 'standard-webhooks' };
}

async function verifyTrophy(body: BodyBytes, header: HeaderReader, secrets: string[]): Promise<VerifiedDelivery> {
  const given = base64Decode(header('x-trophy-signature')!);
  let matched = false;
  if (given) {
    for (const secret of secrets) {
      if (timingSafeEqual(given, await hmacSha256(trophyKey(secret), body.bytes))) {
        matched = true;
        break;
      }
    }
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'no_matching_signature',
      `X-Trophy-Signature does not match the body under ${countSecrets(secrets)}. ` +
        'Laurel signs this header with the webhook\'s newest secret only, so right after a rotation only the new secret matches. ' +
        mismatchAdvice(body, secrets, 'X-Trophy-Signature'),
    );
  }
  return { event: parseEvent(body), id: header('x-trophy-webhook-id') ?? header('webhook-id'), timestamp: undefined, scheme: 'trophy' };
}

function mismatchAdvice(body: BodyBytes, secrets: string[], headerName: string): string {
  const advice = [
    reserialisationHint(body.text) ??
      'Most often the body is not the exact bytes received: a framework parsed the JSON and it was serialised again. Pass the raw body.',
    `Otherwise the secret is not this webhook's: copy it from the dashboard or GET /admin/v1/webhooks/{id}/secret, whole (whsec_ included).`,
  ];
  if (!secrets.every(looksLikeLaurelSecret)) {
    advice.push("Laurel's secrets start with whsec_, and not every secret given does.");
  }
  if (body.bytes.length === 0) advice.unshift(`The body is empty, while ${headerName} signs the event's JSON: was the body read elsewhere first?`);
  return advice.join(' ');
}

function parseEvent(body: BodyBytes): WebhookEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The signature matches, but the body is not JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || typeof (parsed as { type?: unknown }).type !== 'string') {
    throw new WebhookVerificationError('invalid_payload', 'The signature matches, but the body is not a JSON object with a string `type`.');
  }
  return parsed as WebhookEvent;
}

function countSecrets(secrets: string[]): string {
  return secrets.length === 1 ? 'the secret given' : `any of the ${secrets.length} secrets given`;
}

function label(index: number, count: number): string {
  return count > 1 ? `Secret #${index + 1}` : 'The secret';
}

function iso(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(unixSeconds) : date.toISOString();
}
