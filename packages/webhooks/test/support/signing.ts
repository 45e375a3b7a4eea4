import { randomBytes, randomUUID } from 'node:crypto';
// The server's own signer and event catalog: what these tests verify is what Laurel really sends.
import { signatureHeaders } from '../../../server/src/delivery/signer.js';
import { catalog } from '../../../server/src/events/catalog.js';
import type { EventType } from '../../src/index.js';

export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** A body exactly as the server serialises it for this type. */
export function bodyOf(type: EventType, now = new Date()): string {
  return JSON.stringify(catalog[type].sample(now));
}

export interface Signed {
  body: string;
  headers: Record<string, string>;
  id: string;
  timestamp: number;
}

/** Signs like Laurel's worker does for one attempt; `secrets` are the webhook's active ones, newest first. */
export function sign(secrets: string[], options: { type?: EventType; body?: string; id?: string; timestamp?: number } = {}): Signed {
  const type = options.type ?? 'streak.lost';
  const body = options.body ?? bodyOf(type);
  const id = options.id ?? randomUUID();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers = signatureHeaders({ deliveryId: id, eventType: type, timestamp, body, secrets, userAgent: 'Laurel-Webhooks/0.1.0' });
  return { body, headers, id, timestamp };
}

/** Only what Trophy sends: the body signature, no Standard Webhooks headers. */
export function trophyOnly(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('webhook-')));
}
