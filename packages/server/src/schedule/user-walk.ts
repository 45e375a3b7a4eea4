import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Schema } from '../store/schema.js';
import { jobKind, type JobHandler, type JobKind } from './job-kind.js';
import { scheduleJob } from './jobs.js';

/**
 * Work over every user of an environment (rescheduling streaks after a settings change,
 * backdating achievements), done as one job that walks the users in id order, a chunk per run:
 * each chunk is its own transaction, and the job re-enqueues itself with the last id it did
 * (keyset pagination) until a chunk comes up short. A request that needs the walk commits its
 * change and the job together, and answers at once.
 *
 * Starting a walk again (the settings changed once more) rewrites the job's row with the cursor
 * back at the start, and takes the lease from a chunk still running, whose writes then roll back
 * (jobs.ts): the newer walk supersedes the older one. A crashed runner's lease expires and the
 * next claim resumes from the last committed cursor. Chunks derive their work from the stored
 * state, so a chunk that runs twice changes nothing the second time.
 */
const walkPayload = z.object({
  /** When the change that started the walk was made: what its work is stamped with. */
  startedAt: z.number(),
  /** The last user id done; null before the first chunk. */
  after: z.string().nullable(),
});
export type WalkPayload = z.infer<typeof walkPayload>;

/** Users per chunk: a transaction short enough (milliseconds) not to hold up the API's writes on SQLite. */
export const WALK_CHUNK = 500;

/** One walk per kind and environment. */
const WALK_SUBJECT = 'all-users';

export function userWalkKind(name: string): JobKind<WalkPayload> {
  return jobKind(name, walkPayload);
}

/** Starts the environment's walk of this kind from its first user, in the caller's transaction (a walk under way starts over). */
export async function startWalk(trx: Kysely<Schema>, kind: JobKind<WalkPayload>, environmentId: string, now: number): Promise<void> {
  await scheduleJob(trx, kind, { environmentId, subject: WALK_SUBJECT }, { at: now, payload: { startedAt: now, after: null } }, now);
}

export interface UserWalk {
  /** Up to `limit` ids of the users to visit, after `after` (from the first when null), in id order. */
  page(trx: Kysely<Schema>, environmentId: string, after: string | null, limit: number): Promise<string[]>;
  /** The walk's work for these users, inside the chunk's transaction; `startedAt` is when the walk was started. */
  visit(trx: Kysely<Schema>, environmentId: string, userIds: string[], times: { now: number; startedAt: number }): Promise<void>;
}

export function walkHandler(walk: UserWalk, chunkSize: number = WALK_CHUNK): JobHandler<WalkPayload> {
  return async (trx, job, now) => {
    // One id more than the chunk says whether another chunk follows, without a run that finds nothing.
    const ids = await walk.page(trx, job.environmentId, job.payload.after, chunkSize + 1);
    const chunk = ids.slice(0, chunkSize);
    if (chunk.length > 0) await walk.visit(trx, job.environmentId, chunk, { now, startedAt: job.payload.startedAt });
    return ids.length > chunkSize ? { at: now, payload: { startedAt: job.payload.startedAt, after: chunk.at(-1)! } } : null;
  };
}
