import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { jobKind, type JobHandler } from '../schedule/job-kind.js';
import { scheduleJob } from '../schedule/jobs.js';
import { newId } from '../store/ids.js';
import type { Schema } from '../store/schema.js';
import type { UpsertedUserInput } from '../users/user-input.js';
import { recordEventIn, type EventDependencies } from './record-event.js';

/** Events per job: each job is one transaction, short enough not to hold up the API on SQLite. */
const EVENTS_PER_JOB = 100;

export interface BatchEvent {
  key: string;
  user: UpsertedUserInput;
  value: number;
  attributes?: Record<string, string> | undefined;
  idempotencyKey?: string | undefined;
}

const attributes = z.record(z.string(), z.string());
// The shape enqueueEventBatch stores, checked when the job is read back (the HTTP layer validated each event on the way in).
const storedEvents: z.ZodType<BatchEvent[]> = z.array(
  z.object({
    key: z.string(),
    user: z.object({
      id: z.string(),
      email: z.string().nullable().optional(),
      name: z.string().nullable().optional(),
      tz: z.string().nullable().optional(),
      deviceTokens: z.array(z.string()).nullable().optional(),
      subscribeToEmails: z.boolean().optional(),
      attributes: attributes.optional(),
    }),
    value: z.number(),
    attributes: attributes.optional(),
    idempotencyKey: z.string(),
  }),
);

/** Up to EVENTS_PER_JOB events of an admin batch (subject: a new id per job). */
export const EVENT_BATCH_JOB = jobKind('metric-events', storedEvents);

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
    await scheduleJob(trx, EVENT_BATCH_JOB, { environmentId, subject }, { at: now, payload: chunk }, now);
  }
}

export function eventBatchHandler(deps: EventDependencies, logger: Logger): JobHandler<BatchEvent[]> {
  return async (trx, job, now) => {
    for (const event of job.payload) {
      const input = { environmentId: job.environmentId, metricKey: event.key, user: event.user, value: event.value, attributes: event.attributes ?? {}, idempotencyKey: event.idempotencyKey };
      // Each event in its own savepoint: a rule that rejects it after its rows are written (points'
      // blockIfOutOfPoints), or one that no longer holds (an attribute deleted since the batch was
      // accepted), takes back that event only.
      await sql`savepoint laurel_batch_event`.execute(trx);
      try {
        await recordEventIn(trx, deps, input, now);
        await sql`release laurel_batch_event`.execute(trx);
      } catch (error) {
        await sql`rollback to laurel_batch_event`.execute(trx);
        await sql`release laurel_batch_event`.execute(trx);
        if (!(error instanceof ApiError)) throw error;
        logger.warn({ environmentId: job.environmentId, metric: event.key, userId: event.user.id, reason: error.message }, 'batch metric event skipped');
      }
    }
    return null;
  };
}
