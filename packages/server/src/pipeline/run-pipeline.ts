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
 * each returns its state changes, the runner makes them (in stage order) once all have run, passes
 * the throttled webhooks through their throttles, and hands every webhook to the outbox once, all
 * in the caller's transaction. So a stage that rejects the change (blockIfOutOfPoints) throws
 * before anything of the stages is written, and the caller's transaction or savepoint takes back
 * the entry point's own writes.
 */
import type { Kysely } from 'kysely';
import type { EmitInput, Outbox } from '../delivery/outbox.js';
import type { Schema } from '../store/schema.js';
import type { PipelineInput } from './change.js';
import type { Stage, StageName, StateWrite } from './stage.js';
import { throttledWebhooks } from './throttled-webhooks.js';
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

/**
 * Runs the stages, writes their state changes, then offers what changed to the 15-minute throttles
 * of points.changed, leaderboard.changed and leaderboard.rank_changed (throttled-webhooks.ts: they
 * read the rankings as the write left them), and hands every webhook to the outbox once, in the
 * caller's transaction: streak, achievements, points.changed, levels, then leaderboards.
 */
export async function runPipeline(trx: Kysely<Schema>, deps: PipelineDeps, input: PipelineInput): Promise<PipelineResult> {
  const run = await runStages(trx, input);
  const throttled = await throttledWebhooks(trx, input, run.result);
  for (const write of throttled.writes) await write(trx);
  const { streak, achievements, levels, leaderboards } = run.events;
  const events = [...streak, ...achievements, ...throttled.points, ...levels, ...leaderboards, ...throttled.leaderboards];
  await deps.outbox.emitAll(trx, events, input.now);
  return { ...run.result, events };
}

/**
 * The same without sending anything, throttles untouched: for what Trophy makes happen without a
 * word (backdated completions, reading 20).
 */
export async function runSilently(trx: Kysely<Schema>, input: PipelineInput): Promise<PipelineResult> {
  return { ...(await runStages(trx, input)).result, events: [] };
}

/** The stages in their order, then their writes, in stage order. */
async function runStages(trx: Kysely<Schema>, input: PipelineInput): Promise<{ result: Omit<PipelineResult, 'events'>; events: Record<StageName, EmitInput[]> }> {
  const writes: StateWrite[] = [];
  const events = { streak: [], achievements: [], points: [], levels: [], leaderboards: [] } as Record<StageName, EmitInput[]>;
  const run = async <E, F>(stage: Stage<E, F>, earlier: E): Promise<F> => {
    const result = await stage.run(trx, input, earlier);
    writes.push(...result.writes);
    events[stage.name].push(...result.events);
    return result.facts;
  };

  const streak = await run(streakStage, undefined);
  const achievements = await run(achievementStage, { streak });
  const points = await run(pointsStage, { streak, achievements });
  const levels = await run(levelStage, { points });
  const leaderboards = await run(leaderboardStage, { streak, points });

  for (const write of writes) await write(trx);
  return { result: { streak, achievements, points, levels, leaderboards }, events };
}
