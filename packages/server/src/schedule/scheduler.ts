import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Backend } from '../store/backends/backend.js';
import { JobRefusedError, type JobRegistry, type RunnableJob } from './job-registry.js';
import { claimJobs, discardJob, failJob, LeaseLostError, settleJob, type ClaimedJob } from './jobs.js';

export interface SchedulerOptions {
  pollIntervalMs: number;
  leaseMs: number;
  /** Jobs run at once, each in its own transaction (1 where the backend runs one transaction at a time). */
  concurrency: number;
}

export interface SchedulerEvents {
  /** A run committed; `next` is when the job is due again (null: it is done and gone). */
  'job:succeeded': [{ job: ClaimedJob; next: number | null }];
  /** A run threw; nothing it wrote is kept, and the job is retried later with a growing delay. */
  'job:retrying': [{ job: ClaimedJob; error: unknown }];
  /** The job can never run (its payload does not fit its kind): moved to failed_jobs. */
  'job:discarded': [{ job: ClaimedJob; reason: string }];
  /** Rescheduled (or reclaimed after its lease expired) while it ran: this run's writes rolled back, the newer schedule stands. */
  'job:superseded': [{ job: ClaimedJob }];
  /** Claiming or bookkeeping failed (the database is unreachable, say); the next poll tries again. */
  'scheduler:error': [unknown];
}

/**
 * Polls the durable schedule and runs due jobs, up to `concurrency` at a time, each in its own
 * transaction. Lanes: each takes a job from what the last claim brought, or claims as many as
 * there are idle lanes (so no claimed job waits on a lease it is not using), and stops when a
 * claim finds nothing due. A lane whose job settles claims again before stopping, so a job that
 * re-enqueues itself at `now` (a chunked walk) runs on within the same pass.
 */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  private readonly owner = `scheduler-${randomUUID()}`;
  private readonly lanes: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private closing = false;
  private again = false;

  constructor(
    private readonly backend: Backend,
    private readonly clock: Clock,
    private readonly registry: JobRegistry,
    private readonly options: SchedulerOptions,
  ) {
    super();
    this.lanes = backend.parallelTransactions ? Math.max(1, options.concurrency) : 1;
  }

  start(): void {
    this.started = true;
    this.closing = false;
    this.wake();
  }

  /** Runs due jobs now rather than at the next poll (after scheduling something due immediately). */
  wake(): void {
    if (!this.started || this.closing) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.runDue()
      .then(
        () => undefined,
        (error: unknown) => void this.emit('scheduler:error', error),
      )
      .finally(() => {
        this.running = undefined;
        if (this.closing) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.timer = setTimeout(() => this.wake(), this.options.pollIntervalMs);
          this.timer.unref();
        }
      });
  }

  /**
   * Claims and runs due jobs until a claim finds none (or `limit` jobs have been claimed); resolves
   * with how many ran. Tests call this directly to drain the schedule.
   */
  async runDue(limit = Infinity): Promise<number> {
    const claimed: ClaimedJob[] = [];
    let claims = 0;
    let busy = 0;
    let ran = 0;
    let claiming: Promise<boolean> | undefined;

    const take = async (): Promise<ClaimedJob | undefined> => {
      for (;;) {
        const job = claimed.shift();
        if (job) return job;
        if (this.closing || claims >= limit) return undefined;
        claiming ??= this.claim(Math.min(this.lanes - busy, limit - claims))
          .then((jobs) => {
            claimed.push(...jobs);
            claims += jobs.length;
            return jobs.length > 0;
          })
          .finally(() => (claiming = undefined));
        if (!(await claiming)) return undefined;
      }
    };
    const lane = async () => {
      for (let job = await take(); job; job = await take()) {
        busy += 1;
        try {
          await this.run(job);
        } finally {
          busy -= 1;
        }
        ran += 1;
      }
    };
    const outcomes = await Promise.allSettled(Array.from({ length: this.lanes }, lane));
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return ran;
  }

  async stop(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private claim(limit: number): Promise<ClaimedJob[]> {
    return claimJobs(this.backend, { owner: this.owner, kinds: this.registry.kinds, now: this.clock.now(), leaseMs: this.options.leaseMs, limit });
  }

  /** Runs one claimed job to an outcome; never throws (each outcome is an event). */
  private async run(job: ClaimedJob): Promise<void> {
    const now = this.clock.now();
    let runnable: RunnableJob;
    try {
      runnable = this.registry.prepare(job);
    } catch (error) {
      // Retrying a payload that does not fit its kind would fail the same way forever.
      if (error instanceof JobRefusedError && error.problem === 'payload') await this.discard(job, error.message, now);
      else await this.retry(job, error, now);
      return;
    }
    try {
      let next: number | null = null;
      await this.backend.db.transaction().execute(async (trx) => {
        const outcome = await runnable.run(trx, now);
        await settleJob(trx, job, outcome, now);
        next = outcome?.at ?? null;
      });
      this.emit('job:succeeded', { job, next });
    } catch (error) {
      if (error instanceof LeaseLostError) this.emit('job:superseded', { job });
      else await this.retry(job, error, now);
    }
  }

  private async retry(job: ClaimedJob, error: unknown, now: number): Promise<void> {
    this.emit('job:retrying', { job, error });
    await failJob(this.backend.db, job, error instanceof Error ? error.message : String(error), now).catch((e: unknown) => this.emit('scheduler:error', e));
  }

  private async discard(job: ClaimedJob, reason: string, now: number): Promise<void> {
    try {
      if (await discardJob(this.backend.db, job, reason, now)) this.emit('job:discarded', { job, reason });
      else this.emit('job:superseded', { job });
    } catch (error) {
      this.emit('scheduler:error', error);
    }
  }
}
