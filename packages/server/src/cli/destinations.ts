import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryDetail } from '../delivery/delivery-log.js';
import type { ListenerOutcome } from '../listen/listen-sessions.js';
import type { Webhook } from '../webhooks/webhook-store.js';
import type { AdminClient } from './admin-client.js';
import { describeAttempt, succeeded, waitForAttempt } from './delivery-outcome.js';

const POLL_MS = 200;

/** succeeded: a 2xx; failed: anything else, or no answer within the wait; queued: not waited for (--no-wait). */
export type DestinationResult = 'succeeded' | 'failed' | 'queued';

/** Somewhere an event went: a webhook (its delivery) or a `laurel listen` session (its forward). */
export type Destination =
  | { kind: 'webhook'; id: string; name: string; url: string; result: DestinationResult; delivery: DeliveryDetail }
  | ({ kind: 'listen'; result: DestinationResult } & ListenerOutcome);

/**
 * Every destination of an event and how it went: each webhook's delivery once its first attempt
 * is recorded, and each listen session's forward once the CLI running it has reported it, waiting
 * up to `waitSeconds` for all of them together (or not at all with false).
 */
export async function followDestinations(
  client: AdminClient,
  eventId: string,
  deliveries: readonly { id: string; webhookId: string }[],
  waitSeconds: number | false,
): Promise<Destination[]> {
  const [webhooks, listeners] = await Promise.all([
    Promise.all(deliveries.map((delivery) => followDelivery(client, delivery, waitSeconds))),
    followListeners(client, eventId, waitSeconds),
  ]);
  return [...webhooks, ...listeners];
}

async function followDelivery(client: AdminClient, delivery: { id: string; webhookId: string }, waitSeconds: number | false): Promise<Destination> {
  const path = `/admin/v1/webhooks/${encodeURIComponent(delivery.webhookId)}`;
  const [webhook, detail] = await Promise.all([
    client.request<Webhook>('GET', path),
    waitSeconds === false
      ? client.request<DeliveryDetail>('GET', `${path}/deliveries/${encodeURIComponent(delivery.id)}`)
      : waitForAttempt(client, delivery.webhookId, delivery.id, waitSeconds),
  ]);
  const result = waitSeconds === false ? 'queued' : succeeded(detail) ? 'succeeded' : 'failed';
  return { kind: 'webhook', id: webhook.id, name: webhook.name, url: webhook.url, result, delivery: detail };
}

async function followListeners(client: AdminClient, eventId: string, waitSeconds: number | false): Promise<Destination[]> {
  const path = `/admin/v1/webhook-events/${encodeURIComponent(eventId)}/listeners`;
  const deadline = Date.now() + (waitSeconds === false ? 0 : waitSeconds * 1000);
  for (;;) {
    const listeners = await client.request<ListenerOutcome[]>('GET', path);
    const settled = listeners.every((listener) => listener.forward !== null);
    if (waitSeconds === false || settled || Date.now() >= deadline) {
      return listeners.map((listener) => ({ kind: 'listen', result: listenerResult(listener, waitSeconds), ...listener }));
    }
    await sleep(POLL_MS);
  }
}

function listenerResult(listener: ListenerOutcome, waitSeconds: number | false): DestinationResult {
  if (!listener.forward) return waitSeconds === false ? 'queued' : 'failed';
  const status = listener.forward.statusCode;
  return status !== null && status >= 200 && status < 300 ? 'succeeded' : 'failed';
}

/** `webhook "local handler" http://localhost:3000/webhooks: HTTP 200 in 7 ms`, `laurel listen 1a2b3c4d -> ...: ...`. */
export function describeDestination(destination: Destination, waitSeconds: number | false): string {
  if (destination.kind === 'webhook') {
    return `webhook "${destination.name}" ${destination.url} (${destination.id}): ${describeAttempt(destination.delivery, waitSeconds)}`;
  }
  return `laurel listen ${destination.session.slice(0, 8)} -> ${destination.forwardTo ?? 'an unnamed receiver'}: ${describeForward(destination, waitSeconds)}`;
}

function describeForward(listener: ListenerOutcome, waitSeconds: number | false): string {
  const forward = listener.forward;
  if (!forward) {
    return waitSeconds === false ? 'queued' : `no report within ${waitSeconds} s: is laurel listen still running, and its receiver answering?`;
  }
  return `${forward.statusCode !== null ? `HTTP ${forward.statusCode}` : forward.error} in ${forward.latencyMs} ms`;
}

/** What went wrong, in one sentence for stderr: which destinations failed, where, and the usual cause. */
export function describeFailures(destinations: readonly Destination[]): string | undefined {
  const failed = destinations.filter((destination) => destination.result === 'failed');
  if (failed.length === 0) return undefined;
  const named = failed.map((destination) =>
    destination.kind === 'webhook'
      ? `webhook "${destination.name}" (${destination.id}) at ${destination.url} got ${answerOf(destination.delivery)}`
      : `laurel listen ${destination.session.slice(0, 8)} at ${destination.forwardTo ?? 'its receiver'} got ${destination.forward ? (destination.forward.statusCode !== null ? `HTTP ${destination.forward.statusCode}` : destination.forward.error) : 'no report'}`,
  );
  const refusedSignature = failed.some((destination) => [401, 403].includes(statusOf(destination) ?? 0));
  const hint = refusedSignature
    ? ' A 401 or 403 usually means the receiver checks another secret: every webhook, and laurel listen, signs with a secret of its own. Give the receiver the secret of the one it is for, and delete webhooks you no longer use (laurel webhooks delete ID).'
    : '';
  return `${failed.length} of ${destinations.length} destinations failed: ${named.join('; ')}.${hint}`;
}

function answerOf(delivery: DeliveryDetail): string {
  const attempt = delivery.lastAttempt;
  if (!attempt) return 'no attempt yet';
  return attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : `${attempt.errorKind}: ${attempt.errorMessage}`;
}

function statusOf(destination: Destination): number | null {
  return destination.kind === 'webhook' ? (destination.delivery.lastAttempt?.statusCode ?? null) : (destination.forward?.statusCode ?? null);
}
