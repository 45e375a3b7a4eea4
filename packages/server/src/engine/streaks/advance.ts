import { addDays, isDayOff, nextPeriod, periodContaining } from './calendar.js';
import { autoEarn } from './freezes.js';
import type { DateRange, Period, PeriodRecord, StreakChange, StreakSettings, StreakState } from './types.js';

export interface AdvanceInput {
  /** The user's local date now. */
  today: string;
  /** The user's pauses, as inclusive local date ranges (any order). */
  pauses: readonly DateRange[];
}

export interface AdvanceResult {
  state: StreakState;
  /** History rows to upsert, oldest first. */
  records: PeriodRecord[];
  /** Webhook-worthy changes, oldest first. */
  changes: StreakChange[];
}

/**
 * Brings a streak up to `today`: settles every period that ended without being met since the last
 * counted one, and makes every automatic freeze grant that fell due. Idempotent for a given `today`.
 *
 * Order (chronological): a period is judged at the local midnight after its end, a grant is made at
 * the local midnight starting its date, and a grant due at the same moment comes first. So a grant
 * dated on or before the day after a missed period's end can pay for that period.
 *
 * Each missed period, oldest first: a day off of a daily streak (settings.daysOff) -> held, nothing
 * spent, a record with the held length and neither flag; paused (a pause overlaps it) -> held, no
 * freeze spent, record with usedPause; else a freeze if freezes are enabled and the user has one -> held, record with
 * usedFreeze; else lost -> length 0 and a record for that period with length 0 (only that one: later
 * empty periods get none). A length-0 streak spends nothing.
 *
 * Changes: consecutive changes of the same kind are merged into one (e.g. three freezes spent in a
 * row -> one freeze_consumed with consumed 3 and the count left after the last); a grant in between
 * splits runs, so the list stays in chronological order.
 *
 * Also keeps nextFreezeEarn consistent with the settings: null when auto-earn is off, and
 * `today + interval` when auto-earn is on but no date is scheduled (it was turned on later).
 */
export function advance(state: StreakState, settings: StreakSettings, { today, pauses }: AdvanceInput): AdvanceResult {
  const { frequency, weekStart } = settings;
  const s: StreakState = { ...state };
  const records: PeriodRecord[] = [];
  const changes: StreakChange[] = [];

  const push = (change: StreakChange) => {
    const last = changes[changes.length - 1];
    if (last?.kind === 'freeze_consumed' && change.kind === 'freeze_consumed') {
      changes[changes.length - 1] = { kind: last.kind, consumed: last.consumed + change.consumed, freezes: change.freezes };
    } else if (last?.kind === 'freeze_earned' && change.kind === 'freeze_earned') {
      changes[changes.length - 1] = { kind: last.kind, earned: last.earned + change.earned, freezes: change.freezes };
    } else {
      changes.push(change);
    }
  };

  const schedule = autoEarn(settings.freezes);
  if (schedule === null) s.nextFreezeEarn = null;
  else if (s.nextFreezeEarn === null) s.nextFreezeEarn = addDays(today, schedule.interval);

  /** Makes every grant dated on or before `date`. */
  const earnThrough = (date: string) => {
    if (schedule === null) return;
    while (s.nextFreezeEarn !== null && s.nextFreezeEarn <= date) {
      const earned = Math.max(0, Math.min(schedule.amount, settings.freezes.max - s.freezes));
      if (earned > 0) {
        s.freezes += earned;
        push({ kind: 'freeze_earned', earned, freezes: s.freezes });
      }
      s.nextFreezeEarn = addDays(s.nextFreezeEarn, schedule.interval);
    }
  };

  const current = periodContaining(today, frequency, weekStart);
  if (s.length > 0 && s.lastPeriodStart !== null) {
    // periodContaining re-aligns a lastPeriodStart saved under another frequency or week start.
    let p = nextPeriod(periodContaining(s.lastPeriodStart, frequency, weekStart), frequency, weekStart);
    for (; p.start < current.start; p = nextPeriod(p, frequency, weekStart)) {
      earnThrough(addDays(p.end, 1));
      const row = (length: number, usedFreeze: boolean, usedPause: boolean): PeriodRecord =>
        ({ periodStart: p.start, periodEnd: p.end, length, usedFreeze, usedPause });
      if (isDayOff(p.start, settings)) {
        records.push(row(s.length, false, false));
        s.lastPeriodStart = p.start;
      } else if (pauses.some((pause) => overlaps(pause, p))) {
        records.push(row(s.length, false, true));
        s.lastPeriodStart = p.start;
      } else if (settings.freezes.enabled && s.freezes > 0) {
        s.freezes -= 1;
        records.push(row(s.length, true, false));
        push({ kind: 'freeze_consumed', consumed: 1, freezes: s.freezes });
        s.lastPeriodStart = p.start;
      } else {
        records.push(row(0, false, false));
        push({ kind: 'lost', length: s.length });
        s.length = 0;
        s.started = null;
        s.lastPeriodStart = null;
        s.lastExtendedAt = null;
        break;
      }
    }
  }
  earnThrough(today);
  return { state: s, records, changes };
}

function overlaps(range: DateRange, period: Period): boolean {
  return range.start <= period.end && range.end >= period.start;
}
