import {
  advance,
  recordActivity,
  type DateRange,
  type FreezeSettings,
  type PeriodRecord,
  type StreakChange,
  type StreakSettings,
  type StreakState,
} from '../../../src/engine/streaks/index.js';

export const noFreezes: FreezeSettings = { enabled: false, initial: 0, max: 0, autoEarnInterval: null, autoEarnAmount: null };

export function settings(overrides: Partial<StreakSettings> = {}): StreakSettings {
  return {
    enabled: true,
    frequency: 'daily',
    conditions: [{ metricId: 'm', threshold: 1 }],
    evaluationMode: 'AND',
    weekStart: 0,
    freezes: noFreezes,
    personalization: false,
    daysOff: [],
    ...overrides,
  };
}

export function state(overrides: Partial<StreakState> = {}): StreakState {
  return { length: 0, started: null, lastPeriodStart: null, lastExtendedAt: null, freezes: 0, nextFreezeEarn: null, ...overrides };
}

/** A user's streak as the server keeps it: advance on every visit, then count the activity. */
export class Sim {
  records: PeriodRecord[] = [];
  changes: StreakChange[] = [];
  constructor(
    public state: StreakState,
    readonly settings: StreakSettings,
    public pauses: DateRange[] = [],
  ) {}

  /** Advances to `today`; returns what that advance produced. */
  visit(today: string) {
    const r = advance(this.state, this.settings, { today, pauses: this.pauses });
    this.state = r.state;
    this.records.push(...r.records);
    this.changes.push(...r.changes);
    return r;
  }

  /** Advances to `today`, then records activity that meets (or not) the conditions. */
  act(today: string, met = true, now = Date.parse(`${today}T12:00:00Z`)) {
    const advanced = this.visit(today);
    const r = recordActivity(this.state, this.settings, { today, now, met });
    this.state = r.state;
    if (r.record) this.records.push(r.record);
    return { ...r, advanced };
  }
}

export const rec = (periodStart: string, periodEnd: string, length: number, used: 'freeze' | 'pause' | null = null): PeriodRecord => ({
  periodStart,
  periodEnd,
  length,
  usedFreeze: used === 'freeze',
  usedPause: used === 'pause',
});
