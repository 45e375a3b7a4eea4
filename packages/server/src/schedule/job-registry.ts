import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Schema } from '../store/schema.js';
import { encodePayload, type JobHandler, type JobKind } from './job-kind.js';
import type { ClaimedJob, StoredNext } from './jobs.js';

/** A job kind with the handler that runs it, as the composition root declares it. */
export interface JobDefinition<P> {
  kind: JobKind<P>;
  handler: JobHandler<P>;
}

export function defineJob<P>(kind: JobKind<P>, handler: JobHandler<P>): JobDefinition<P> {
  return { kind, handler };
}

/** A claimed job this process can run: its payload checked, its handler found. */
export interface RunnableJob {
  run(trx: Kysely<Schema>, now: number): Promise<StoredNext>;
}

/** Why a claimed job cannot run here. `payload` failures are permanent; the job is given up. */
export class JobRefusedError extends Error {
  constructor(
    readonly problem: 'unknown-kind' | 'payload',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Every job kind this process runs, declared once each (laurel.ts). The scheduler claims only
 * these kinds, and reads each claimed row back through its kind's schema before the handler sees it.
 */
export class JobRegistry {
  private readonly byName = new Map<string, JobDefinition<any>>();

  // `any`: each definition pairs a kind with a handler of the same payload type; the map forgets which.
  constructor(definitions: readonly JobDefinition<any>[]) {
    for (const definition of definitions) {
      if (this.byName.has(definition.kind.name)) throw new Error(`job kind "${definition.kind.name}" is declared twice`);
      this.byName.set(definition.kind.name, definition);
    }
  }

  get kinds(): string[] {
    return [...this.byName.keys()];
  }

  /** The claimed row as its kind's job; throws JobRefusedError for an unknown kind or a payload the kind's schema rejects. */
  prepare(claimed: ClaimedJob): RunnableJob {
    const definition = this.byName.get(claimed.kind);
    if (!definition) throw new JobRefusedError('unknown-kind', `no job kind "${claimed.kind}" is declared in this process`);
    const payload = readPayload(definition.kind, claimed.payload);
    const job = { id: claimed.id, environmentId: claimed.environmentId, subject: claimed.subject, payload, dueAt: claimed.dueAt, attempts: claimed.attempts };
    return {
      async run(trx, now) {
        const next = await definition.handler(trx, job, now);
        if (next === null) return null;
        return { at: next.at, payload: encodePayload('payload' in next ? next.payload : payload) };
      },
    };
  }
}

function readPayload<P>(kind: JobKind<P>, stored: string | null): P {
  let value: unknown;
  try {
    value = stored === null ? null : JSON.parse(stored);
  } catch (error) {
    throw new JobRefusedError('payload', `payload of job kind "${kind.name}" is not JSON: ${(error as Error).message}`);
  }
  const parsed = kind.payload.safeParse(value);
  if (!parsed.success) throw new JobRefusedError('payload', `payload does not match job kind "${kind.name}": ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
