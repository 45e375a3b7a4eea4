import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ApiError } from '../http/errors.js';
import { scheduleJob } from '../schedule/jobs.js';
import type { JobHandler } from '../schedule/scheduler.js';
import { newId } from '../store/ids.js';
import type { Schema } from '../store/schema.js';
import type { UpsertedUserInput } from '../users/user-input.js';
import { recordEventIn, type EventDependencies } from './record-event.js';

export const EVENT_BATCH_JOB = 'metric-events';
/** Events per job: each job is one transaction, short enough not to hold up the API on SQLite. */
const EVENTS_PER_JOB = 100;

export interface BatchEvent {
  key: string;
  user: UpsertedUserInput;
  value: number;
  attributes?: Record<string, string> | undefined;
  idempotencyKey?: string | undefined;
}

/**
 * Admin `POST /metrics/events`: the events become durable jobs in the request's transaction and are
 * processed in order, with the same semantics as single events. Events without an idempotency key
 * get one derived from their job and position, so a job that runs twice records each event once.
 */
export async function enqueueEventBatch(trx: Kysely<Schema>, environmentId: string, events: readonly BatchEvent[], now: number): Promise<void> {
  for (let start = 0; start < events.length; start += EVENTS_PER_JOB) {
    const subject = newId();
    const chunk = events.slice(start, start + EVENTS_PER_JOB).map((event, index) => ({
      ...event,
      idempotencyKey: event.idempotencyKey ?? `laurel-batch:${subject}:${index}`,
    }));
    await scheduleJob(trx, { environmentId, kind: EVENT_BATCH_JOB, subject }, now, now, JSON.stringify(chunk));
  }
}

export function eventBatchHandler(deps: EventDependencies, logger: Logger): JobHandler {
  return async (trx, job, now) => {
    const events = JSON.parse(job.payload ?? '[]') as BatchEvent[];
    for (const event of events) {
      try {
        await recordEventIn(trx, deps, { environmentId: job.environmentId, metricKey: event.key, user: event.user, value: event.value, attributes: event.attributes ?? {}, idempotencyKey: event.idempotencyKey }, now);
      } catch (error) {
        // A rule that no longer holds (an attribute deleted since the batch was accepted) skips that
        // event only; rule errors are raised before the event writes anything.
        if (!(error instanceof ApiError)) throw error;
        logger.warn({ environmentId: job.environmentId, metric: event.key, userId: event.user.id, reason: error.message }, 'batch metric event skipped');
      }
    }
    return null;
  };
}
