import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { StreakPeriod, UserStreak as Streak } from '../../../api/config';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading } from '../../../ui/feedback';
import { formatLocalDate } from '../../../ui/format';
import { RelativeTime } from '../../../ui/misc';
import { periodWord } from '../achievements/describe';
import { configKeys, useConfigApi } from '../queries';

const HISTORY_OPTIONS = [7, 14, 30, 60, 100];

/** The user's streak now and its recent periods. */
export function UserStreak({ userId }: { userId: string }) {
  const { env, calls } = useConfigApi();
  const [periods, setPeriods] = useState(14);
  const streak = useQuery({
    queryKey: [...configKeys.user(env, userId), 'streak', periods],
    queryFn: () => calls.users.streak(userId, periods),
    placeholderData: keepPreviousData,
  });

  return (
    <Card
      title="Streak"
      actions={
        <div className="inline-field">
          <label htmlFor="streak-history-periods">History</label>
          <select id="streak-history-periods" className="input input-small" value={periods} onChange={(e) => setPeriods(Number(e.target.value))}>
            {HISTORY_OPTIONS.map((count) => (
              <option key={count} value={count}>
                Last {count} periods
              </option>
            ))}
          </select>
        </div>
      }
    >
      {streak.isPending ? (
        <Loading what="streak" />
      ) : streak.isError ? (
        <ErrorNotice error={streak.error} title="Could not load the streak" onRetry={() => streak.refetch()} />
      ) : (
        <StreakBody streak={streak.data} />
      )}
    </Card>
  );
}

function StreakBody({ streak }: { streak: Streak }) {
  return (
    <>
      <div className="stat-row">
        <div className="stat">
          <span className="stat-value">
            {streak.length} <span className="stat-unit">{periodWord(streak.frequency, streak.length)}</span>
          </span>
          <span className="stat-label">Current {streak.frequency} streak</span>
        </div>
        {streak.freezes !== undefined && (
          <div className="stat">
            <span className="stat-value">
              {streak.freezes}
              <span className="stat-unit"> / {streak.maxFreezes}</span>
            </span>
            <span className="stat-label">Freezes</span>
          </div>
        )}
      </div>
      <dl className="details">
        <dt>Started</dt>
        <dd>{formatLocalDate(streak.started)}</dd>
        <dt>Current period</dt>
        <dd>
          {formatPeriod(streak.periodStart, streak.periodEnd)}
        </dd>
        <dt>Keep it by</dt>
        <dd>{streak.expires ? `acting on or before ${formatLocalDate(streak.expires)}` : <span className="muted">no streak to keep</span>}</dd>
        <dt>Last extended</dt>
        <dd>
          <RelativeTime iso={streak.extended} />
        </dd>
        {streak.pauses.length > 0 && (
          <>
            <dt>Pauses</dt>
            <dd>{streak.pauses.map((pause) => `${formatLocalDate(pause.start)} – ${formatLocalDate(pause.end)}`).join(', ')}</dd>
          </>
        )}
      </dl>
      <History periods={streak.streakHistory} />
    </>
  );
}

/** A one-day period as its date, a longer one as its first and last day. */
function formatPeriod(start: string | null, end: string | null): string {
  return start === end ? formatLocalDate(start) : `${formatLocalDate(start)} – ${formatLocalDate(end)}`;
}

function kindOf(period: StreakPeriod): 'pause' | 'freeze' | 'counted' | 'none' {
  if (period.usedPause) return 'pause';
  if (period.usedFreeze) return 'freeze';
  return period.length > 0 ? 'counted' : 'none';
}

const KIND_LABEL = { pause: 'held by a pause', freeze: 'held by a freeze', counted: 'counted', none: 'no streak' };

/** One square per period, oldest first; the text is in each square's label for screen readers. */
function History({ periods }: { periods: readonly StreakPeriod[] }) {
  if (periods.length === 0) return null;
  return (
    <div className="streak-history">
      <ol aria-label="Recent periods, oldest first">
        {periods.map((period) => {
          const kind = kindOf(period);
          const label = `${formatPeriod(period.periodStart, period.periodEnd)}: length ${period.length}, ${KIND_LABEL[kind]}`;
          return (
            <li key={period.periodStart} className={`streak-cell streak-${kind}`} title={label} aria-label={label}>
              {period.length > 0 ? period.length : ''}
            </li>
          );
        })}
      </ol>
      <div className="streak-legend small muted">
        {(['counted', 'freeze', 'pause', 'none'] as const).map((kind) => (
          <span key={kind}>
            <i className={`streak-cell streak-${kind}`} /> {kind}
          </span>
        ))}
      </div>
    </div>
  );
}
