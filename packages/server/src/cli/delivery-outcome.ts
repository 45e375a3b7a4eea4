import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { DeliveryDetail } from '../delivery/delivery-log.js';
import type { AdminClient } from './admin-client.js';

/** How long test and trigger wait for the first attempt by default. */
export const DEFAULT_WAIT_SECONDS = 10;
const POLL_MS = 200;

/** `--wait <seconds>` (default 10) and `--no-wait`, the same on every command that sends. */
export function addWaitOptions(command: Command): Command {
  return command
    .option('--wait <seconds>', 'wait this long for the first attempt and report it; exit 1 unless it succeeded', parseWait, DEFAULT_WAIT_SECONDS)
    .option('--no-wait', 'return once the event is queued');
}

function parseWait(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 600) throw new InvalidArgumentError('give a number of seconds from 0 to 600');
  return seconds;
}

/**
 * The delivery once its first attempt is recorded (or as it stands when `waitSeconds` run out):
 * read back from the delivery log, which is where the worker records what the receiver answered.
 */
export async function waitForAttempt(client: AdminClient, webhookId: string, deliveryId: string, waitSeconds: number): Promise<DeliveryDetail> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const detail = await client.request<DeliveryDetail>('GET', `/admin/v1/webhooks/${encodeURIComponent(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}`);
    if (detail.lastAttempt || Date.now() >= deadline) return detail;
    await sleep(POLL_MS);
  }
}

export function succeeded(detail: DeliveryDetail): boolean {
  return detail.status === 'succeeded';
}

/** "200 in 12 ms", "connection: connection refused; retrying at ...", or "no attempt yet". */
export function describeAttempt(detail: DeliveryDetail, waitSeconds: number | false): string {
  const attempt = detail.lastAttempt;
  if (!attempt) {
    return waitSeconds === false ? `queued (${detail.status})` : `no attempt within ${waitSeconds} s (${detail.status}): is a Laurel worker running?`;
  }
  const answer = attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : `${attempt.errorKind}: ${attempt.errorMessage}`;
  const next = detail.status === 'retrying' && detail.nextAttemptAt ? `; retrying at ${detail.nextAttemptAt}` : detail.status === 'failed' ? '; failed' : '';
  return `${answer} in ${Math.round(attempt.latencyMs)} ms${next}`;
}
