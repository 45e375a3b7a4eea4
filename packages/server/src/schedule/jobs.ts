import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import type { Backend } from '../store/backends/backend.js';
import type { Schema } from '../store/schema.js';
import { encodePayload, type JobKind } from './job-kind.js';

/**
 * The durable job table's operations. A job is one row per (kind, environment, subject); it is
 * claimed with a lease, and every write after the claim is fenced by the lease token that claim
 * wrote. Rescheduling a job takes the lease away, so the run in progress (if any) cannot
 * overwrite the newer schedule: its settle is refused and its transaction rolls back.
 */
export interface JobKey {
  environmentId: string;
  /** What the job is about (a user id, a batch id); one job per (kind, environment, subject). */
  subject: string;
}

export interface ClaimedJob extends JobKey {
  id: string;
  kind: string;
  /** The stored payload, unchecked (job-registry.ts checks it against the kind). */
  payload: string | null;
  dueAt: number;
  attempts: number;
  /** This claim's token in `lease_owner`: new for every claim, so it tells claims apart even within one scheduler. */
  lease: string;
}

/** The outcome of a run as stored: next due time and payload (null: done). */
export type StoredNext = { at: number; payload: string | null } | null;

/** Raised inside a run's transaction when its lease was taken away (rescheduled, or expired and claimed again). */
export class LeaseLostError extends Error {
  constructor(job: ClaimedJob) {
    super(`scheduled job ${job.kind}/${job.subject} was rescheduled or reclaimed while it ran`);
  }
}

/**
 * Puts a job on the schedule, or moves an existing one to `run.at` with `run.payload`, inside the
 * caller's transaction: the job exists exactly when the change that needs it commits. A run in
 * progress loses its lease, so the new schedule stands and is free to be claimed at once.
 */
export async function scheduleJob<P>(trx: Kysely<Schema>, kind: JobKind<P>, key: JobKey, run: { at: number; payload: P }, now: number): Promise<void> {
  const payload = encodePayload(run.payload);
  await trx
    .insertInto('scheduled_jobs')
    .values({
      id: newId(),
      environment_id: key.environmentId,
      kind: kind.name,
      subject: key.subject,
      payload,
      due_at: run.at,
      lease_owner: null,
      lease_expires_at: null,
      attempts: 0,
      last_error: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['kind', 'environment_id', 'subject']).doUpdateSet({ due_at: run.at, payload, lease_owner: null, lease_expires_at: null, updated_at: now }),
    )
    .execute();
}

/**
 * The payload of a job on the schedule, read for a change that will reschedule it from what it
 * holds (a job that remembers what it has done), with the row locked until the caller's
 * transaction ends: a no-op update, so it locks on both backends. A run of the job that settles
 * first is waited for and its payload read; one that settles later finds its lease gone when the
 * caller reschedules, and rolls back. Undefined when there is no such job, or its payload does not
 * fit the kind (the caller starts afresh).
 */
export async function lockJobPayload<P>(trx: Kysely<Schema>, kind: JobKind<P>, key: JobKey): Promise<P | undefined> {
  const row = await trx
    .updateTable('scheduled_jobs')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('kind', '=', kind.name)
    .where('environment_id', '=', key.environmentId)
    .where('subject', '=', key.subject)
    .returning('payload')
    .executeTakeFirst();
  if (!row) return undefined;
  try {
    const parsed = kind.payload.safeParse(row.payload === null ? null : JSON.parse(row.payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function unscheduleJob<P>(trx: Kysely<Schema>, kind: JobKind<P>, key: JobKey): Promise<void> {
  await trx
    .deleteFrom('scheduled_jobs')
    .where('kind', '=', kind.name)
    .where('environment_id', '=', key.environmentId)
    .where('subject', '=', key.subject)
    .execute();
}

/**
 * Leases up to `limit` due jobs of the given kinds, earliest first. A job whose lease expired (its
 * runner died) is due again; SKIP LOCKED lets several PostgreSQL processes claim side by side.
 * Kinds this process does not know are left for one that does (an older version next to a newer one).
 */
export async function claimJobs(
  backend: Backend,
  input: { owner: string; kinds: readonly string[]; now: number; leaseMs: number; limit: number },
): Promise<ClaimedJob[]> {
  if (input.limit <= 0 || input.kinds.length === 0) return [];
  const lease = `${input.owner}:${randomUUID()}`;
  const lock = backend.supportsSkipLocked ? sql`for update skip locked` : sql``;
  const result = await sql<{ id: string; environment_id: string; kind: string; subject: string; payload: string | null; due_at: number; attempts: number }>`
    update scheduled_jobs
    set lease_owner = ${lease}, lease_expires_at = ${input.now + input.leaseMs}, attempts = attempts + 1
    where id in (
      select id from scheduled_jobs
      where due_at <= ${input.now} and (lease_expires_at is null or lease_expires_at < ${input.now})
        and kind in (${sql.join(input.kinds)})
      order by due_at, id
      limit ${input.limit}
      ${lock}
    )
    returning id, environment_id, kind, subject, payload, due_at, attempts
  `.execute(backend.db);
  return result.rows
    .map((row) => ({
      id: row.id,
      environmentId: row.environment_id,
      kind: row.kind,
      subject: row.subject,
      payload: row.payload,
      dueAt: Number(row.due_at),
      attempts: Number(row.attempts),
      lease,
    }))
    .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
}

/**
 * Settles a job inside its run's transaction: reschedules it (`next`) or removes it (null). Throws
 * LeaseLostError when the claim no longer holds it, so the run's writes roll back with it.
 */
export async function settleJob(trx: Kysely<Schema>, job: ClaimedJob, next: StoredNext, now: number): Promise<void> {
  const result =
    next === null
      ? await trx.deleteFrom('scheduled_jobs').where('id', '=', job.id).where('lease_owner', '=', job.lease).executeTakeFirst()
      : await trx
          .updateTable('scheduled_jobs')
          .set({ due_at: next.at, payload: next.payload, lease_owner: null, lease_expires_at: null, attempts: 0, last_error: null, updated_at: now })
          .where('id', '=', job.id)
          .where('lease_owner', '=', job.lease)
          .executeTakeFirst();
  const changed = 'numDeletedRows' in result ? result.numDeletedRows : result.numUpdatedRows;
  if (changed === 0n) throw new LeaseLostError(job);
}

/** A failed run is retried later with a growing delay, and its error kept for operators. */
export async function failJob(db: Kysely<Schema>, job: ClaimedJob, error: string, now: number): Promise<void> {
  const delay = Math.min(2 ** Math.min(job.attempts, 20) * 1000, 10 * 60 * 1000);
  await db
    .updateTable('scheduled_jobs')
    .set({ due_at: now + delay, lease_owner: null, lease_expires_at: null, last_error: error.slice(0, 1000), updated_at: now })
    .where('id', '=', job.id)
    .where('lease_owner', '=', job.lease)
    .execute();
}

/**
 * Gives a job up for good (its payload can never be run): it moves to failed_jobs with the
 * reason. Returns false when the claim no longer held it (rescheduled meanwhile: the new schedule stays).
 */
export async function discardJob(db: Kysely<Schema>, job: ClaimedJob, reason: string, now: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom('scheduled_jobs')
      .where('id', '=', job.id)
      .where('lease_owner', '=', job.lease)
      .returning(['payload', 'created_at'])
      .executeTakeFirst();
    if (!removed) return false;
    await trx
      .insertInto('failed_jobs')
      .values({
        id: newId(),
        environment_id: job.environmentId,
        kind: job.kind,
        subject: job.subject,
        payload: removed.payload,
        reason: reason.slice(0, 1000),
        attempts: job.attempts,
        created_at: Number(removed.created_at),
        failed_at: now,
      })
      .execute();
    return true;
  });
}
