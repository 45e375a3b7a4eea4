/**
 * The pipeline of consequences. A write (a metric event, an API achievement completion, a user
 * created or updated, a streak tick, an admin freeze grant or restore, a points time tick, a
 * backdated completion) is recorded by its entry point, which then hands the pipeline one Change
 * (change.ts). The stages run in this fixed order, each reading the change and the facts of the
 * stages before it:
 *
 *   1. streak        settles missed periods, counts the event's period: the length it reached
 *   2. achievements  completes what the event (or the streak's new length) qualifies the user for
 *   3. points        awards for the event, the streak length, the achievements, the new user, time
 *   4. levels        the level each changed total now reaches
 *   5. leaderboards  scores and ranks for the metric, the points awarded and the streak length
 *
 * The order is that of cause and effect: an achievement can depend on the streak, points on both,
 * levels on points, and a leaderboard on the event, the points and the streak. No stage writes:
 * each returns its state changes, the runner makes them (in stage order) once all have run, and
 * hands every webhook to the outbox once, all in the caller's transaction. So a stage that rejects
 * the change (blockIfOutOfPoints) throws before anything of the stages is written, and the caller's
 * transaction or savepoint takes back the entry point's own writes.
 */
import type { Kysely } from 'kysely';
import type { EmitInput, Outbox } from '../delivery/outbox.js';
import type { Schema } from '../store/schema.js';
import type { PipelineInput } from './change.js';
import type { StageResult, StateWrite } from './stage.js';
import { achievementStage, type AchievementFacts } from './stages/achievement-stage.js';
import { streakStage, type StreakFacts } from './stages/streak-stage.js';

export interface PipelineDeps {
  outbox: Pick<Outbox, 'emitAll'>;
}

/** What the stages established, for the entry point's answer. */
export interface PipelineResult {
  streak: StreakFacts;
  achievements: AchievementFacts;
  /** The webhooks the change caused, in order (none sent when the run was silent). */
  events: EmitInput[];
}

export async function runPipeline(trx: Kysely<Schema>, deps: PipelineDeps, input: PipelineInput): Promise<PipelineResult> {
  const writes: StateWrite[] = [];
  const events: EmitInput[] = [];
  const take = <F>(result: StageResult<F>): F => {
    writes.push(...result.writes);
    events.push(...result.events);
    return result.facts;
  };

  const streak = take(await streakStage.run(trx, input, undefined));
  const achievements = take(await achievementStage.run(trx, input, { streak }));

  for (const write of writes) await write(trx);
  if (!input.silent) await deps.outbox.emitAll(trx, events, input.now);
  return { streak, achievements, events: input.silent ? [] : events };
}
