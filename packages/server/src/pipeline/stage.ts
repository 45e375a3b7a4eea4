import type { Kysely } from 'kysely';
import type { EmitInput } from '../delivery/outbox.js';
import type { Schema } from '../store/schema.js';
import type { PipelineInput } from './change.js';

/** The stages, in the order the pipeline runs them (run-pipeline.ts says why). */
export type StageName = 'streak' | 'achievements' | 'points' | 'levels' | 'leaderboards';

/** A state change a stage asks for. The runner makes them once every stage has run, in stage order. */
export type StateWrite = (trx: Kysely<Schema>) => Promise<void>;

/**
 * What one stage made of a change: its facts (what later stages and the entry point read: the
 * streak after the write, the achievements completed, the points awarded ...), the writes that
 * store its new state, and the webhooks it caused, in the order they happened.
 */
export interface StageResult<F> {
  facts: F;
  writes: StateWrite[];
  events: EmitInput[];
}

/**
 * One stage of the pipeline. It reads the change, the facts of the stages before it and whatever
 * state of its own it needs (reads only), and applies its rules (pure functions in engine/).
 * It may throw an ApiError to reject the change: nothing has been written by the stages yet, and
 * the caller's transaction (or savepoint) takes back what the entry point wrote.
 */
export interface Stage<Earlier, F> {
  name: StageName;
  run(trx: Kysely<Schema>, input: PipelineInput, earlier: Earlier): Promise<StageResult<F>>;
}

/** A stage's result when the change means nothing to it. */
export function nothing<F>(facts: F): StageResult<F> {
  return { facts, writes: [], events: [] };
}
