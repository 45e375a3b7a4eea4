import { base64Decode, utf8, type Bytes } from './crypto.js';
import { WebhookVerificationError } from './errors.js';

/**
 * The webhook's secret (`whsec_...`, exactly as the dashboard or the API shows it), or several
 * during a rotation on the receiver's side, e.g. `[newSecret, oldSecret]`.
 */
export type Secret = string | readonly string[];

const PREFIX = 'whsec_';

export function secretList(secret: Secret): string[] {
  const list: readonly unknown[] = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0) throw new WebhookVerificationError('invalid_secret', 'No secret was given (an empty list).');
  return list.map((entry, index) => {
    const which = list.length > 1 ? `Secret #${index + 1}` : 'The secret';
    if (typeof entry !== 'string' || entry === '') {
      throw new WebhookVerificationError(
        'invalid_secret',
        `${which} is ${entry === '' ? 'an empty string' : String(entry)}: is the environment variable holding it set in this environment?`,
      );
    }
    if (entry.trim() !== entry) {
      throw new WebhookVerificationError(
        'invalid_secret',
        `${which} has leading or trailing whitespace (a newline read from a file or .env?); Laurel's secrets never do. Trim it where it is loaded.`,
      );
    }
    return entry;
  });
}

/** X-Trophy-Signature's key: the secret string's own bytes, `whsec_` included, as Trophy's docs verify. */
export function trophyKey(secret: string): Bytes {
  return utf8(secret);
}

/** webhook-signature's key: the base64-decoded bytes after `whsec_` (Standard Webhooks). */
export function standardKey(secret: string, which: string): Bytes {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const key = base64Decode(encoded);
  if (!key || key.length === 0) {
    throw new WebhookVerificationError(
      'invalid_secret',
      `${which} is not base64 after ${PREFIX}, so it cannot check webhook-signature. ` +
        "Use the webhook's secret exactly as Laurel shows it: whsec_ followed by 44 base64 characters.",
    );
  }
  return key;
}

export function looksLikeLaurelSecret(secret: string): boolean {
  return secret.startsWith(PREFIX);
}
