import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { EmitInput, Outbox } from '../delivery/outbox.js';
import { nextDueWebhook, runContaining, statusAt, type AdminStatus, type Run, type RunSettings, type RunWebhookType } from '../engine/leaderboards/index.js';
import { buildPayload } from '../events/catalog.js';
import { jobKind, type JobHandler } from '../schedule/job-kind.js';
import { lockJobPayload, scheduleJob, unscheduleJob, type JobKey } from '../schedule/jobs.js';
import type { LeaderboardRow, Schema } from '../store/schema.js';
import { findLeaderboard } from './leaderboard-reads.js';
import { leaderboardWithRankings, readWebhookRankings } from './leaderboard-webhook.js';
import { openRuns } from './open-runs.js';

/**
 * leaderboard.started and leaderboard.finished, one durable job per board (subject: the board's
 * id). The job remembers what it has done in its payload: every webhook due at or before `after`
 * has been dealt with. Each run sends the webhooks due by now after `after`, moves `after` on to
 * the last of them and reschedules itself for the next due time (engine nextDueWebhook), so a
 * webhook is sent once per (board, due time) however often the job runs; the scheduler's fenced
 * leases make that hold across processes (a run whose lease was taken rolls back whole).
 *
 * Admin writes schedule it in their own transaction (scheduleLeaderboardLifecycle), keeping the
 * job's memory when it has one:
 * - A board that goes live (created scheduled or active, set so from inactive or finished, or
 *   brought back from past its end by a later end date) is "activated" at that instant: webhooks
 *   due before it are not sent, except that every run under way (its started time passed, its
 *   finished time not) is owed a leaderboard.started at once (`late`), so whoever hears a run's
 *   finished heard its started first.
 * - An edit of a live board reschedules from the same memory: moving dates moves the due times.
 * - The finish action (status finished) sends leaderboard.finished at once, with status
 *   finished, for every run whose started was sent and whose finished was not; nothing follows.
 * - Setting a board inactive, or deleting it, removes the job and sends nothing. Setting it live
 *   again is a new activation, so the run under way gets its started again.
 */
const lifecyclePayload = z.object({
  /** Every webhook due at or before this instant has been sent, or had passed before the board went live. */
  after: z.number(),
  /** Runs, by start date, owed a leaderboard.started at once: those under way when the board went live. */
  late: z.array(z.string()),
});
type LifecyclePayload = z.infer<typeof lifecyclePayload>;

export const LEADERBOARD_LIFECYCLE = jobKind('leaderboard-lifecycle', lifecyclePayload);

type Timing = RunSettings & { status: AdminStatus };

function timing(row: LeaderboardRow): Timing {
  return { status: row.status, start: row.start_date, end: row.end_date, runUnit: row.run_unit, runInterval: row.run_interval };
}

const isLive = (status: AdminStatus): boolean => status === 'scheduled' || status === 'active';

/**
 * Schedules (or removes) a board's lifecycle job after a create (`before` null) or an update,
 * inside the admin write's transaction.
 */
export async function scheduleLeaderboardLifecycle(trx: Kysely<Schema>, environmentId: string, before: LeaderboardRow | null, after: LeaderboardRow, now: number): Promise<void> {
  const key: JobKey = { environmentId, subject: after.id };
  const board = timing(after);
  if (board.status === 'inactive') return unscheduleJob(trx, LEADERBOARD_LIFECYCLE, key);
  if (board.status === 'finished') {
    // Only the finish action itself does something; a board created finished, or edited while finished, has nothing to send.
    if (before === null || !isLive(before.status)) return;
    const memory = (await lockJobPayload(trx, LEADERBOARD_LIFECYCLE, key)) ?? { after: now, late: [] };
    return scheduleJob(trx, LEADERBOARD_LIFECYCLE, key, { at: now, payload: memory }, now);
  }
  const memory = (await lockJobPayload(trx, LEADERBOARD_LIFECYCLE, key)) ?? withoutJob(before, board, now);
  const at = memory.late.length > 0 ? now : nextDueWebhook(board, memory.after)?.at;
  if (at === undefined) return unscheduleJob(trx, LEADERBOARD_LIFECYCLE, key);
  return scheduleJob(trx, LEADERBOARD_LIFECYCLE, key, { at, payload: memory }, now);
}

/**
 * The memory of a live board that has no job: everything due until now is dealt with (a job
 * ends only when nothing more is due, and activation skips what came before it), and on
 * activation the runs under way are owed their started.
 */
function withoutJob(before: LeaderboardRow | null, board: Timing, now: number): LifecyclePayload {
  const activated = before === null || !isLive(before.status) || statusAt(timing(before), now) === 'finished';
  return { after: now, late: activated ? openRuns(board, now).map((run) => run.start) : [] };
}

export async function unscheduleLeaderboardLifecycle(trx: Kysely<Schema>, environmentId: string, leaderboardId: string): Promise<void> {
  await unscheduleJob(trx, LEADERBOARD_LIFECYCLE, { environmentId, subject: leaderboardId });
}

type VisibleStatus = 'scheduled' | 'active' | 'finished';

/** Runs one step of a board's lifecycle: the webhooks due by `now`, each in the outbox in the job's transaction. */
export function leaderboardLifecycleHandler(deps: { outbox: Pick<Outbox, 'emitAll'> }): JobHandler<LifecyclePayload> {
  return async (trx, job, now) => {
    const board = await findLeaderboard(trx, job.environmentId, job.subject);
    if (!board || board.status === 'inactive') return null;
    const pending: EmitInput[] = [];
    const send = async (type: RunWebhookType, run: Run, status: VisibleStatus) => {
      const rankings = await readWebhookRankings(trx, job.environmentId, board.id, run.start);
      pending.push({ environmentId: job.environmentId, type, payload: buildPayload(type, { leaderboard: leaderboardWithRankings(board, run, status, rankings) }) });
    };
    const statusOn = (at: number) => statusAt(board, at) as VisibleStatus;
    const { late } = job.payload;
    let { after } = job.payload;

    if (board.status === 'finished') {
      // The finish action: the runs that were announced and not yet finished end now.
      for (const run of openRuns(board, after)) if (!late.includes(run.start)) await send('leaderboard.finished', run, 'finished');
      await deps.outbox.emitAll(trx, pending, now);
      return null;
    }
    for (const start of late) {
      const run = runContaining(board, start);
      if (run !== null && run.start === start) await send('leaderboard.started', run, statusOn(now));
    }
    const due = nextDueWebhook(board, after);
    if (due !== null && due.at <= now) {
      // The status as of the due time, so a late worker sends what was true then.
      await send(due.type, due.run, statusOn(due.at));
      after = due.at;
    }
    await deps.outbox.emitAll(trx, pending, now);
    // Another webhook already due (the worker was away) makes the job due again at once.
    const next = nextDueWebhook(board, after);
    return next === null ? null : { at: next.at, payload: { after, late: [] } };
  };
}
