import { sql, type Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import type { Backend } from '../store/backends/backend.js';
import type { Schema } from '../store/schema.js';

export interface JobKey {
  environmentId: string;
  kind: string;
  /** What the job is about (a user id, a batch id); one job per (kind, environment, subject). */
  subject: string;
}

export interface ClaimedJob extends JobKey {
  id: string;
  payload: string | null;
  dueAt: number;
  attempts: number;
}

/**
 * Puts a job on the schedule, or moves an existing one to `dueAt`, inside the caller's
 * transaction: the job exists exactly when the change that needs it commits.
 */
export async function scheduleJob(trx: Kysely<Schema>, key: JobKey, dueAt: number, now: number, payload: string | null = null): Promise<void> {
  await trx
    .insertInto('scheduled_jobs')
    .values({
      id: newId(),
      environment_id: key.environmentId,
      kind: key.kind,
      subject: key.subject,
      payload,
      due_at: dueAt,
      lease_owner: null,
      lease_expires_at: null,
      attempts: 0,
      last_error: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['kind', 'environment_id', 'subject']).doUpdateSet({ due_at: dueAt, payload, updated_at: now }))
    .execute();
}

export async function unscheduleJob(trx: Kysely<Schema>, key: JobKey): Promise<void> {
  await trx
    .deleteFrom('scheduled_jobs')
    .where('kind', '=', key.kind)
    .where('environment_id', '=', key.environmentId)
    .where('subject', '=', key.subject)
    .execute();
}

/**
 * Leases up to `limit` due jobs, earliest first. A job whose lease expired (its runner died) is
 * due again; SKIP LOCKED lets several PostgreSQL processes claim side by side.
 */
export async function claimJobs(backend: Backend, input: { owner: string; now: number; leaseMs: number; limit: number }): Promise<ClaimedJob[]> {
  const lock = backend.supportsSkipLocked ? sql`for update skip locked` : sql``;
  const result = await sql<{ id: string; environment_id: string; kind: string; subject: string; payload: string | null; due_at: number; attempts: number }>`
    update scheduled_jobs
    set lease_owner = ${input.owner}, lease_expires_at = ${input.now + input.leaseMs}, attempts = attempts + 1
    where id in (
      select id from scheduled_jobs
      where due_at <= ${input.now} and (lease_expires_at is null or lease_expires_at < ${input.now})
      order by due_at, id
      limit ${input.limit}
      ${lock}
    )
    returning id, environment_id, kind, subject, payload, due_at, attempts
  `.execute(backend.db);
  return result.rows.map((row) => ({
    id: row.id,
    environmentId: row.environment_id,
    kind: row.kind,
    subject: row.subject,
    payload: row.payload,
    dueAt: Number(row.due_at),
    attempts: Number(row.attempts),
  }));
}

/**
 * Settles a job this runner holds: reschedules it (`nextDueAt`) or removes it (null). A job moved
 * by someone else while it ran (a newer event rescheduled it) keeps that newer time.
 */
export async function settleJob(trx: Kysely<Schema>, job: ClaimedJob, owner: string, nextDueAt: number | null, now: number): Promise<void> {
  const held = trx.updateTable('scheduled_jobs').where('id', '=', job.id).where('lease_owner', '=', owner);
  if (nextDueAt === null) {
    await trx.deleteFrom('scheduled_jobs').where('id', '=', job.id).where('lease_owner', '=', owner).where('due_at', '=', job.dueAt).execute();
    await held.set({ lease_owner: null, lease_expires_at: null, attempts: 0, last_error: null, updated_at: now }).execute();
    return;
  }
  await held.set({ due_at: nextDueAt, lease_owner: null, lease_expires_at: null, attempts: 0, last_error: null, updated_at: now }).execute();
}

/** A failed run is retried later with a growing delay, and its error kept for operators. */
export async function failJob(db: Kysely<Schema>, job: ClaimedJob, owner: string, error: string, now: number): Promise<void> {
  const delay = Math.min(2 ** Math.min(job.attempts, 20) * 1000, 10 * 60 * 1000);
  await db
    .updateTable('scheduled_jobs')
    .set({ due_at: now + delay, lease_owner: null, lease_expires_at: null, last_error: error.slice(0, 1000), updated_at: now })
    .where('id', '=', job.id)
    .where('lease_owner', '=', owner)
    .execute();
}
