import type { Kysely } from 'kysely';
import type { EmitInput } from '../../delivery/outbox.js';
import { addDays, autoEarn, localDate, nextWake, restore, restoreWindowStart, type PeriodRecord } from '../../engine/streaks/index.js';
import { buildPayload } from '../../events/catalog.js';
import type { Schema } from '../../store/schema.js';
import { maxLengthSince, restoredPeriodRecord } from '../../streaks/restore-history.js';
import {
  catchUp,
  countActivity,
  currentLength,
  loadUserStreak,
  newUserStreak,
  saveRecords,
  saveState,
  scheduleNext,
  wakeOf,
  type UserStreak,
} from '../../streaks/user-streak.js';
import { streakEnabledFor } from '../../users/preferences.js';
import { toWebhookUser } from '../../users/user-store.js';
import type { PipelineInput } from '../change.js';
import { nothing, type Stage, type StageResult, type StateWrite } from '../stage.js';

/** What the streak stage established; later stages and the entry points read it. */
export interface StreakFacts {
  /** The user's streak after the write; absent when the change did not involve it. */
  streak?: UserStreak;
  /** The length before this write's activity counted (missed periods already settled). */
  lengthBefore: number;
  /** Trophy's `extended`: the write started or extended the streak. */
  extended: boolean;
  /** The length a start or extension reached (streak points triggers fire on it). */
  reached?: number;
  /** Whether the length anything reads (0 where streaks are off) changed: streak leaderboards follow it. */
  lengthChanged: boolean;
  /** An admin grant: freezes given, and the items refused for going over the maximum. */
  granted?: { earned: number; overMax: number[] };
  /** An admin restore: whether it restored anything. */
  restored?: boolean;
  /** An admin reset: whether there was a streak to set to 0. */
  reset?: boolean;
  /** A scheduled tick: when the streak next changes by itself (null: never). */
  nextWake?: number | null;
}

const NO_STREAK: StreakFacts = { lengthBefore: 0, extended: false, lengthChanged: false };

/**
 * The first stage: the user's streak. Every change that involves a streak first settles what time
 * did to it (missed periods, automatic freezes: catchUp), then applies its own activity; the state,
 * its history rows and the next scheduled wake-up are written once, at the end.
 */
export const streakStage: Stage<unknown, StreakFacts> = {
  name: 'streak',
  async run(trx, input) {
    const { change } = input;
    switch (change.kind) {
      case 'metric_event':
        return metricEvent(trx, input, change.metric.id);
      case 'achievement_completed':
      case 'user_written':
        return userWritten(trx, input);
      case 'streak_tick':
        return tick(trx, input);
      case 'freezes_granted':
        return grant(trx, input, change.items);
      case 'streak_restored':
        return restored(trx, input);
      case 'streak_rescheduled':
        return rescheduled(trx, input, change.startedAt);
      case 'streak_preferences':
        return preferences(trx, input, change.wasEnabled);
      case 'streak_reset':
        return reset(trx, input);
      case 'time_tick':
      case 'achievements_backdated':
        return nothing(NO_STREAK);
    }
  },
};

function load(trx: Kysely<Schema>, input: PipelineInput): Promise<UserStreak> {
  return loadUserStreak(trx, input.environmentId, input.user, input.config.streakSettings, input.now);
}

/** The writes for a streak that `steps` changed: its state, history rows and (unless a tick) its schedule. */
function persist(streak: UserStreak, steps: { records: PeriodRecord[]; changed: boolean }, now: number, schedule: boolean): StateWrite[] {
  const writes: StateWrite[] = [];
  if (steps.changed || !streak.persisted) writes.push((trx) => saveState(trx, streak, now));
  if (steps.records.length > 0) writes.push((trx) => saveRecords(trx, streak, steps.records));
  if (schedule) writes.push((trx) => scheduleNext(trx, streak, now));
  return writes;
}

async function metricEvent(trx: Kysely<Schema>, input: PipelineInput, metricId: string): Promise<StageResult<StreakFacts>> {
  const { now } = input;
  const streak = input.userCreated ? newUserStreak(input.environmentId, input.user, input.config.streakSettings, now) : await load(trx, input);
  // What the schedule holds for the user now: nothing for a new user; unknown if the time zone just moved.
  const scheduledWake = input.userCreated ? null : input.tzChanged ? undefined : wakeOf(streak);
  const lengthAtStart = currentLength(streak);
  const settled = await catchUp(trx, streak);
  const lengthBefore = streak.state.length;
  const activity = await countActivity(trx, streak, metricId, input.config.metricsByKey, now);
  const steps = { records: [...settled.records, ...activity.records], changed: settled.changed || activity.changed };
  // The schedule already holds this wake-up unless the streak, the time zone or the user is new.
  const writes = persist(streak, steps, now, wakeOf(streak) !== scheduledWake);
  const facts: StreakFacts = { streak, lengthBefore, extended: activity.change !== null, lengthChanged: currentLength(streak) !== lengthAtStart };
  if (activity.change !== null) facts.reached = streak.state.length;
  return { facts, writes, events: [...settled.events, ...activity.events] };
}

/** A user written by the users API or an achievement completion: a new one gets their streak; a moved one a new schedule. */
async function userWritten(trx: Kysely<Schema>, input: PipelineInput): Promise<StageResult<StreakFacts>> {
  const { now } = input;
  if (input.userCreated) {
    const streak = newUserStreak(input.environmentId, input.user, input.config.streakSettings, now);
    return { facts: { ...NO_STREAK, streak }, writes: persist(streak, { records: [], changed: true }, now, true), events: [] };
  }
  // Periods end at local midnight: a new time zone moves the user's next rollover.
  if (!input.tzChanged) return nothing(NO_STREAK);
  const streak = await load(trx, input);
  return { facts: { ...NO_STREAK, streak }, writes: [(w) => scheduleNext(w, streak, now)], events: [] };
}

/** The scheduled job: settle up to now. The job reschedules itself from `nextWake`, so nothing here touches the schedule. */
async function tick(trx: Kysely<Schema>, input: PipelineInput): Promise<StageResult<StreakFacts>> {
  const streak = await load(trx, input);
  const lengthAtStart = currentLength(streak);
  const settled = await catchUp(trx, streak);
  const nextAt = nextWake(streak.state, streak.settings, streak.today, input.user.tz);
  const facts: StreakFacts = { ...NO_STREAK, streak, lengthBefore: streak.state.length, lengthChanged: currentLength(streak) !== lengthAtStart, nextWake: nextAt };
  return { facts, writes: persist(streak, settled, input.now, false), events: settled.events };
}

/**
 * Settings saved (the reschedule walk): the streak goes on the schedule the new settings imply.
 * Auto-earn switched on dates the first grant one interval from the day of the switch, not from
 * the first wake-up. Nothing is settled here (the wake-up does that), so nothing is sent.
 */
async function rescheduled(trx: Kysely<Schema>, input: PipelineInput, startedAt: number): Promise<StageResult<StreakFacts>> {
  const streak = await load(trx, input);
  const earning = autoEarn(streak.settings.freezes);
  const writes: StateWrite[] = [];
  if (earning && streak.state.nextFreezeEarn === null) {
    streak.state = { ...streak.state, nextFreezeEarn: addDays(localDate(startedAt, input.user.tz), earning.interval) };
    writes.push((w) => saveState(w, streak, input.now));
  }
  writes.push((w) => scheduleNext(w, streak, input.now));
  return { facts: { ...NO_STREAK, streak }, writes, events: [] };
}

/**
 * The user switched their streak off or on, or changed their days off. Off: the length anything
 * reads is 0 (the stored streak is kept, the wake-up removed). Back on: the streak starts afresh at
 * 0, freezes kept; it was 0 all along, so nothing is settled as a loss. Nothing is sent.
 */
async function preferences(trx: Kysely<Schema>, input: PipelineInput, wasEnabled: boolean): Promise<StageResult<StreakFacts>> {
  const streak = await load(trx, input);
  const lengthAtStart = streak.settings.enabled && wasEnabled ? streak.state.length : 0;
  const restart = !wasEnabled && streakEnabledFor(input.user);
  if (restart) streak.state = { ...streak.state, length: 0, started: null, lastPeriodStart: null, lastExtendedAt: null };
  const writes = persist(streak, { records: [], changed: restart }, input.now, true);
  const facts: StreakFacts = { ...NO_STREAK, streak, lengthBefore: lengthAtStart, lengthChanged: currentLength(streak) !== lengthAtStart };
  return { facts, writes, events: [] };
}

/**
 * Admin freeze grants: after settling (so a grant never pays for a period already missed), each
 * item gives one freeze while the user stays within the maximum; an item over it is refused. One
 * `streak.freeze_earned` with the total, unless the user's streak preference is off.
 */
async function grant(trx: Kysely<Schema>, input: PipelineInput, items: readonly number[]): Promise<StageResult<StreakFacts>> {
  const streak = await load(trx, input);
  const settled = await catchUp(trx, streak);
  const max = streak.settings.freezes.max;
  const overMax: number[] = [];
  let earned = 0;
  for (const index of items) {
    if (streak.state.freezes + 1 > max) overMax.push(index);
    else {
      streak.state = { ...streak.state, freezes: streak.state.freezes + 1 };
      earned += 1;
    }
  }
  const events: EmitInput[] = [...settled.events];
  if (earned > 0 && streakEnabledFor(input.user)) {
    events.push({
      environmentId: input.environmentId,
      type: 'streak.freeze_earned',
      payload: buildPayload('streak.freeze_earned', { user: toWebhookUser(input.user), earned, freezes: streak.state.freezes }),
    });
  }
  const writes = persist(streak, { records: settled.records, changed: settled.changed || earned > 0 }, input.now, true);
  return { facts: { ...NO_STREAK, streak, lengthBefore: streak.state.length, granted: { earned, overMax } }, writes, events };
}

/**
 * Admin restore: after settling, the streak goes to the longest length its history reaches in the
 * restore window, counted through the previous period. The restore itself sends no webhook.
 */
async function restored(trx: Kysely<Schema>, input: PipelineInput): Promise<StageResult<StreakFacts>> {
  const settings = input.config.streakSettings;
  const streak = await load(trx, input);
  const lengthAtStart = currentLength(streak);
  const settled = await catchUp(trx, streak);
  const maxLengthInWindow = await maxLengthSince(trx, streak, restoreWindowStart(settings.frequency, streak.today, settings.weekStart), settled.records);
  const next = restore(streak.state, settings, { today: streak.today, maxLengthInWindow, now: input.now });
  const records = [...settled.records];
  if (next) {
    streak.state = next;
    const record = await restoredPeriodRecord(trx, streak, settled.records);
    if (record) records.push(record);
  }
  const writes = persist(streak, { records, changed: settled.changed || next !== null }, input.now, true);
  const facts: StreakFacts = { ...NO_STREAK, streak, lengthBefore: streak.state.length, lengthChanged: currentLength(streak) !== lengthAtStart, restored: next !== null };
  return { facts, writes, events: settled.events };
}

/**
 * Admin reset: what time did is settled first (its webhooks are sent), then a streak still running
 * goes to 0 with no webhook (Trophy documents none) and no history row, so a restore can still
 * bring it back from the history it had.
 */
async function reset(trx: Kysely<Schema>, input: PipelineInput): Promise<StageResult<StreakFacts>> {
  const streak = await load(trx, input);
  const lengthAtStart = currentLength(streak);
  const settled = await catchUp(trx, streak);
  const had = currentLength(streak) > 0;
  if (had) streak.state = { ...streak.state, length: 0, started: null, lastPeriodStart: null, lastExtendedAt: null };
  const writes = persist(streak, { records: settled.records, changed: settled.changed || had }, input.now, true);
  const facts: StreakFacts = { ...NO_STREAK, streak, lengthBefore: 0, lengthChanged: currentLength(streak) !== lengthAtStart, reset: had };
  return { facts, writes, events: settled.events };
}
