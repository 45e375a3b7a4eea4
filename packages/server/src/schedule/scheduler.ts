import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Backend } from '../store/backends/backend.js';
import type { Schema } from '../store/schema.js';
import { claimJobs, failJob, settleJob, type ClaimedJob } from './jobs.js';

/**
 * Runs one kind of job inside a transaction and says when it is next due (null: done). Handlers
 * derive everything from the stored state and `now`, so running one twice changes nothing.
 */
export type JobHandler = (trx: Kysely<Schema>, job: ClaimedJob, now: number) => Promise<number | null>;

export interface SchedulerOptions {
  pollIntervalMs: number;
  leaseMs: number;
  batchSize: number;
}

/** Polls the durable schedule and runs due jobs, one at a time, each in its own transaction. */
export class Scheduler {
  private readonly owner = `scheduler-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;

  constructor(
    private readonly backend: Backend,
    private readonly clock: Clock,
    private readonly handlers: ReadonlyMap<string, JobHandler>,
    private readonly options: SchedulerOptions,
    private readonly onError: (error: unknown, job: ClaimedJob | undefined) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Runs due jobs now rather than at the next poll (after scheduling something due immediately). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.runDue().then(
      () => undefined,
      (error: unknown) => this.onError(error, undefined),
    ).finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        this.timer = setTimeout(() => this.wake(), this.options.pollIntervalMs);
        this.timer.unref();
      }
    });
  }

  /** Claims and runs due jobs until none is left; resolves when the schedule is drained. Tests call this directly. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = this.clock.now();
      const jobs = await claimJobs(this.backend, { owner: this.owner, now, leaseMs: this.options.leaseMs, limit: this.options.batchSize });
      for (const job of jobs) {
        await this.run(job);
        ran += 1;
      }
      if (jobs.length < this.options.batchSize || this.stopped) return ran;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async run(job: ClaimedJob): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const now = this.clock.now();
    try {
      await this.backend.db.transaction().execute(async (trx) => {
        // A job this process cannot run (an older version next to a newer one) stays for one that can.
        if (!handler) throw new Error(`no handler for scheduled job kind "${job.kind}"`);
        const next = await handler(trx, job, now);
        await settleJob(trx, job, this.owner, next, now);
      });
    } catch (error) {
      this.onError(error, job);
      await failJob(this.backend.db, job, this.owner, error instanceof Error ? error.message : String(error), now).catch((e) => this.onError(e, job));
    }
  }
}
