import type { AttemptOutcome } from './http-sender.js';
import { nextRetryDelay, retryAfterMs } from './retry-policy.js';
import type { FinishedAttempt } from './queue/complete.js';
import type { AttemptTrigger } from '../store/schema.js';

/**
 * The delivery state machine after an attempt (pure):
 *   2xx                                   -> succeeded
 *   410 Gone                              -> failed, and the webhook is disabled
 *   refused by the SSRF policy            -> failed (retrying cannot change the address)
 *   failure of a manual resend            -> failed (manual attempts are never retried on their own)
 *   other failure, schedule not exhausted -> retrying at now + delay
 *   other failure, schedule exhausted     -> failed
 */
export function decideNext(
  outcome: AttemptOutcome,
  attempt: { number: number; trigger: AttemptTrigger },
  now: number,
  scheduleMs: readonly number[],
  random: () => number,
): Pick<FinishedAttempt, 'next' | 'gone'> {
  if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
    return { next: { status: 'succeeded' }, gone: false };
  }
  if (outcome.kind === 'response' && outcome.status === 410) return { next: { status: 'failed' }, gone: true };
  if (outcome.kind === 'error' && outcome.error === 'refused_by_policy') return { next: { status: 'failed' }, gone: false };
  if (attempt.trigger === 'manual') return { next: { status: 'failed' }, gone: false };
  const retryAfter = outcome.kind === 'response' ? retryAfterMs(outcome.retryAfter, now) : null;
  const delay = nextRetryDelay({ attempts: attempt.number, scheduleMs, retryAfterMs: retryAfter, random });
  if (delay === null) return { next: { status: 'failed' }, gone: false };
  return { next: { status: 'retrying', at: now + delay }, gone: false };
}
