import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Schema } from '../store/schema.js';

/**
 * A kind of durable job: its name in the `kind` column and the type of its payload. The schema
 * checks the payload when a job is read back, since the row may have been written by another
 * version of Laurel (or by hand). Declared once next to the code that schedules it; the handler
 * is bound at the composition root (job-registry.ts).
 */
export interface JobKind<P> {
  readonly name: string;
  readonly payload: z.ZodType<P>;
}

export function jobKind<P>(name: string, payload: z.ZodType<P>): JobKind<P> {
  return { name, payload };
}

/** A claimed job with its payload checked against its kind. */
export interface Job<P> {
  id: string;
  environmentId: string;
  subject: string;
  payload: P;
  dueAt: number;
  attempts: number;
}

/** When the job runs next and with what (the same payload when left out); null: it is done. */
export type JobNext<P> = { at: number; payload?: P } | null;

/**
 * Runs one job inside a transaction. Handlers derive everything from the stored state and `now`,
 * so running one twice changes nothing the second time.
 */
export type JobHandler<P> = (trx: Kysely<Schema>, job: Job<P>, now: number) => Promise<JobNext<P>>;

/** How payloads are stored: JSON text, and SQL NULL for a kind without one. */
export function encodePayload(payload: unknown): string | null {
  return payload === null || payload === undefined ? null : JSON.stringify(payload);
}
