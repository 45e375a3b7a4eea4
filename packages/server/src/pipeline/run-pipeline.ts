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
import { leaderboardStage, type LeaderboardFacts } from './stages/leaderboard-stage.js';
import { levelStage, type LevelFacts } from './stages/level-stage.js';
import { pointsStage, type PointsFacts } from './stages/points-stage.js';
import { streakStage, type StreakFacts } from './stages/streak-stage.js';

export interface PipelineDeps {
  outbox: Pick<Outbox, 'emitAll'>;
}

/** What the stages established, for the entry point's answer. */
export interface PipelineResult {
  streak: StreakFacts;
  achievements: AchievementFacts;
  points: PointsFacts;
  levels: LevelFacts;
  leaderboards: LeaderboardFacts;
  /** The webhooks the change caused, in order. */
  events: EmitInput[];
}

/** Runs the stages, writes their state changes and hands their webhooks to the outbox, in the caller's transaction. */
export async function runPipeline(trx: Kysely<Schema>, deps: PipelineDeps, input: PipelineInput): Promise<PipelineResult> {
  const result = await runSilently(trx, input);
  await deps.outbox.emitAll(trx, result.events, input.now);
  return result;
}

/**
 * The same without sending anything: for what Trophy makes happen without a word (backdated
 * completions, reading 20). The result still lists the webhooks the stages would have sent.
 */
export async function runSilently(trx: Kysely<Schema>, input: PipelineInput): Promise<PipelineResult> {
  const writes: StateWrite[] = [];
  const events: EmitInput[] = [];
  const take = <F>(result: StageResult<F>): F => {
    writes.push(...result.writes);
    events.push(...result.events);
    return result.facts;
  };

  const streak = take(await streakStage.run(trx, input, undefined));
  const achievements = take(await achievementStage.run(trx, input, { streak }));
  const points = take(await pointsStage.run(trx, input, { streak, achievements }));
  const levels = take(await levelStage.run(trx, input, { points }));
  const leaderboards = take(await leaderboardStage.run(trx, input, { streak, points }));

  for (const write of writes) await write(trx);
  return { streak, achievements, points, levels, leaderboards, events };
}
