import { randomBytes } from 'node:crypto';

/** `whsec_` + 32 random bytes in base64: the Standard Webhooks secret format. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
