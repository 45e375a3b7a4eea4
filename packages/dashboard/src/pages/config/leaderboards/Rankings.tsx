import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { Attribute } from '../../../api/config';
import { rankingsApi, type Leaderboard } from '../../../api/leaderboards';
import { useEnvironment, useEnvironmentCalls } from '../../../app/environment';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading, Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { SelectField, TextField } from '../../../ui/form';
import { formatLocalDate } from '../../../ui/format';
import { Pagination } from '../../../ui/misc';
import { placeErrors } from '../../../ui/server-errors';
import { Table } from '../../../ui/table';
import { configKeys } from '../queries';
import { runsUpTo, utcToday, type Run } from './runs';

/** Places per page (never more than the board has). */
const PAGE_SIZE = 25;
/** How many runs back the picker goes: two years of weekly runs. */
const MAX_RUNS = 104;
/** A run under way changes as events arrive. */
const LIVE_INTERVAL_MS = 5_000;

function runLabel(run: Run, current: boolean): string {
  const dates = run.end === null ? `from ${formatLocalDate(run.start)}` : `${formatLocalDate(run.start)} – ${formatLocalDate(run.end)}`;
  return current ? `${dates} (current)` : dates;
}

/**
 * A board's rankings as users read them (GET /v1/leaderboards/{key}): one run at a time, the
 * current one or any past one, and on a board with breakdowns one group at a time, named by its
 * attribute values. The current run of an active board is refreshed while the page is open.
 */
export function Rankings({ board, attributes, formatScore }: { board: Leaderboard; attributes: readonly Attribute[]; formatScore: (value: number) => string }) {
  const { env, calls } = useEnvironmentCalls(rankingsApi);
  const { envPath } = useEnvironment();
  const runs = runsUpTo(board, utcToday(), MAX_RUNS);
  const [runStart, setRunStart] = useState(runs[0]!.start);
  const run = runs.find((candidate) => candidate.start === runStart) ?? runs[0]!;
  const current = run === runs[0];
  const breakdown = board.breakdownAttributes.map((id) => attributes.find((attribute) => attribute.id === id));
  const keys = breakdown.map((attribute) => attribute?.key);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [group, setGroup] = useState<Record<string, string>>();
  const [missing, setMissing] = useState<string[]>([]);
  const { ref, failed } = useFocusFirstError();
  const [page, setPage] = useState(0);
  const limit = Math.min(PAGE_SIZE, board.maxParticipants);
  const needsGroup = keys.length > 0;
  const userAttributes = group && keys.map((key) => `${key}:${group[key ?? ''] ?? ''}`).join(',');

  const rankings = useQuery({
    queryKey: [...configKeys.leaderboards(env), board.id, 'rankings', run.start, userAttributes, page],
    queryFn: () => calls.rankings(board.key, { run: run.start, offset: page * limit, limit: Math.min(limit + 1, board.maxParticipants), ...(userAttributes ? { userAttributes } : {}) }),
    enabled: board.status !== 'inactive' && (!needsGroup || group !== undefined),
    placeholderData: keepPreviousData,
    refetchInterval: board.status === 'active' && current ? LIVE_INTERVAL_MS : false,
  });
  const placed = rankings.error ? placeErrors(rankings.error, ['userAttributes'] as const) : undefined;
  const rows = rankings.data?.rankings.slice(0, limit) ?? [];

  function showGroup(event: FormEvent) {
    event.preventDefault();
    const empty = keys.filter((key) => !typed[key!]?.trim()) as string[];
    setMissing(empty);
    if (empty.length > 0) return failed();
    setGroup(Object.fromEntries(keys.map((key) => [key, typed[key!]!.trim()])));
    setPage(0);
  }

  if (board.status === 'inactive') {
    return (
      <Card title="Rankings">
        <p className="muted">An inactive leaderboard ranks nothing, and users cannot read it. Set it scheduled or active to start ranking.</p>
      </Card>
    );
  }
  if (keys.some((key) => key === undefined)) {
    return (
      <Card title="Rankings">
        <Notice kind="warning">
          <span>A breakdown attribute of this leaderboard has been deleted: nobody is in any group until its breakdown is changed.</span>
        </Notice>
      </Card>
    );
  }

  return (
    <Card
      title="Rankings"
      actions={
        board.status === 'active' && current ? (
          <span className="live" title={`Refreshes every ${LIVE_INTERVAL_MS / 1000} s while this tab is visible`}>
            <span className="live-dot" aria-hidden="true" /> Live
          </span>
        ) : null
      }
    >
      <div className="filters">
        {runs.length > 1 || board.runUnit ? (
          <SelectField
            label="Run"
            value={run.start}
            onChange={(e) => {
              setRunStart(e.target.value);
              setPage(0);
            }}
            options={runs.map((candidate, i) => ({ value: candidate.start, label: runLabel(candidate, i === 0) }))}
          />
        ) : (
          <p className="muted">One run, {runLabel(run, false)}.</p>
        )}
      </div>
      {board.status === 'scheduled' && current && <p className="muted">The first run starts on {formatLocalDate(run.start)}: nobody is ranked before then.</p>}

      {needsGroup && (
        <form ref={ref} onSubmit={showGroup} aria-label="Breakdown group" noValidate>
          <p className="field-hint">
            {breakdown.length === 1 ? `Each ${breakdown[0]!.name} has` : `Each combination of ${breakdown.map((a) => a!.name).join(' and ')} has`} a ranking of its
            own. Name the group to read:
          </p>
          <div className="filters">
            {breakdown.map((attribute) => (
              <TextField
                key={attribute!.key}
                label={attribute!.name}
                value={typed[attribute!.key] ?? ''}
                onChange={(e) => setTyped({ ...typed, [attribute!.key]: e.target.value })}
                maxLength={255}
                error={
                  missing.includes(attribute!.key)
                    ? `${attribute!.name} is required: the group's value.`
                    : attribute === breakdown[0]
                      ? placed?.fields.userAttributes
                      : undefined
                }
              />
            ))}
            <button type="submit" className="button button-primary">
              Show ranking
            </button>
          </div>
        </form>
      )}

      {needsGroup && !group ? null : rankings.isPending ? (
        <Loading what="rankings" />
      ) : rankings.isError ? (
        placed?.form || !needsGroup ? <ErrorNotice error={rankings.error} title="Could not load the rankings" onRetry={() => rankings.refetch()} /> : null
      ) : rows.length === 0 ? (
        <p className="muted" data-testid="no-rankings">
          {page > 0 ? 'No more places.' : `Nobody is ranked in this run${needsGroup ? ' for this group' : ''} yet.`}
        </p>
      ) : (
        <>
          <Table compact columns={[{ label: 'Rank', numeric: true }, 'User', { label: 'Score', numeric: true }]}>
            {rows.map((ranking) => (
              <tr key={ranking.userId} data-testid="ranking-row">
                <td className="numeric">{ranking.rank}</td>
                <td className="cell-medium">
                  <Link to={envPath(`users/${encodeURIComponent(ranking.userId)}`)} className={ranking.userName ? 'cell-title' : 'cell-title mono break-anywhere'}>
                    {ranking.userName ?? ranking.userId}
                  </Link>
                  {ranking.userName && <div className="cell-sub mono break-anywhere">{ranking.userId}</div>}
                </td>
                <td className="numeric">{formatScore(ranking.value)}</td>
              </tr>
            ))}
          </Table>
          <Pagination page={page} hasMore={(rankings.data?.rankings.length ?? 0) > limit} onPage={setPage} labels={['Higher places', 'Lower places']} />
        </>
      )}
    </Card>
  );
}
