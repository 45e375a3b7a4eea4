import type { Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import type { Schema } from '../store/schema.js';

/**
 * The jobs the scheduler gave up (jobs.ts discardJob: a payload its kind's schema refuses, so
 * running it again as it stands would fail the same way), for operators: what each was, why it
 * failed and when, and a retry that puts it back on the schedule, due at once, once the cause is
 * fixed (a newer Laurel that reads the payload, or a repaired row).
 */
export interface FailedJob {
  id: string;
  kind: string;
  subject: string;
  payload: string | null;
  /** Why it was given up (the schema's complaint, or the unknown kind). */
  error: string;
  attempts: number;
  /** ISO 8601: when the job was first scheduled, and when it was given up. */
  created: string;
  failed: string;
}

/** The environment's failed jobs, the most recent first. */
export async function listFailedJobs(db: Kysely<Schema>, environmentId: string, limit: number): Promise<FailedJob[]> {
  const rows = await db.selectFrom('failed_jobs').selectAll().where('environment_id', '=', environmentId).orderBy('failed_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    payload: row.payload,
    error: row.reason,
    attempts: Number(row.attempts),
    created: new Date(Number(row.created_at)).toISOString(),
    failed: new Date(Number(row.failed_at)).toISOString(),
  }));
}

/**
 * Moves a failed job back to the schedule, due now, in one transaction. `superseded`: the same
 * job (kind and subject) was scheduled again since it failed, by a later change, and that newer
 * schedule stands; the failed row goes either way. undefined when the environment has no such row.
 */
export async function retryFailedJob(db: Kysely<Schema>, environmentId: string, id: string, now: number): Promise<{ requeued: boolean } | undefined> {
  return db.transaction().execute(async (trx) => {
    const failed = await trx.deleteFrom('failed_jobs').where('environment_id', '=', environmentId).where('id', '=', id).returningAll().executeTakeFirst();
    if (!failed) return undefined;
    const inserted = await trx
      .insertInto('scheduled_jobs')
      .values({
        id: newId(),
        environment_id: environmentId,
        kind: failed.kind,
        subject: failed.subject,
        payload: failed.payload,
        due_at: now,
        lease_owner: null,
        lease_expires_at: null,
        attempts: 0,
        last_error: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['kind', 'environment_id', 'subject']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return { requeued: inserted !== undefined };
  });
}
