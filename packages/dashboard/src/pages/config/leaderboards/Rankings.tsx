import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { Attribute } from '../../../api/config';
import { rankingsApi, type Leaderboard, type LeaderboardRun, type VisibleLeaderboard } from '../../../api/leaderboards';
import { useEnvironment, useEnvironmentCalls } from '../../../app/environment';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading, Notice } from '../../../ui/feedback';
import { useFocusFirstError } from '../../../ui/focus-first-error';
import { SelectField, TextField } from '../../../ui/form';
import { formatLocalDate } from '../../../ui/format';
import { Pagination } from '../../../ui/misc';
import { placeErrors } from '../../../ui/server-errors';
import { Table } from '../../../ui/table';
import { configKeys, useMetrics, useStreakSettings } from '../queries';
import { useLeaderboardRuns, useVisibleLeaderboards } from './queries';
import { scoreFormatter } from './score';

/** Places per page (never more than the board has). */
const PAGE_SIZE = 25;
/** How many ended runs the picker offers: two years of weekly runs. */
const PAST_RUNS = 104;
/** A run under way changes as events arrive. */
const LIVE_INTERVAL_MS = 5_000;

function runLabel(run: LeaderboardRun, current: boolean): string {
  const dates = run.end === null ? `from ${formatLocalDate(run.start)}` : `${formatLocalDate(run.start)} – ${formatLocalDate(run.end)}`;
  return current ? `${dates} (current)` : dates;
}

function RankingsCard({ children }: { children: ReactNode }) {
  return <Card title="Rankings">{children}</Card>;
}

/**
 * A board's rankings as users read them (GET /v1/leaderboards/{key}): one run at a time, the
 * current one or any past one (the runs as the server lists them), and on a board with breakdowns
 * one group at a time, named by its attribute values. The current run of an active board is
 * refreshed while the page is open.
 */
export function Rankings({ board, attributes }: { board: Leaderboard; attributes: readonly Attribute[] }) {
  const visible = useVisibleLeaderboards();
  const runs = useLeaderboardRuns(board.id, PAST_RUNS);
  if (board.status === 'inactive') {
    return (
      <RankingsCard>
        <p className="muted">An inactive leaderboard ranks nothing, and users cannot read it. Set it scheduled or active to start ranking.</p>
      </RankingsCard>
    );
  }
  if (board.breakdownAttributes.some((id) => !attributes.some((attribute) => attribute.id === id))) {
    return (
      <RankingsCard>
        <Notice kind="warning">
          <span>A breakdown attribute of this leaderboard has been deleted: nobody is in any group until its breakdown is changed.</span>
        </Notice>
      </RankingsCard>
    );
  }
  if (visible.isError || runs.isError) {
    const retry = () => (visible.isError ? visible.refetch() : runs.refetch());
    return (
      <RankingsCard>
        <ErrorNotice error={visible.error ?? runs.error} title="Could not load the rankings" onRetry={retry} />
      </RankingsCard>
    );
  }
  if (visible.isPending || runs.isPending) return <Loading what="rankings" />;
  const view = visible.data.find((candidate) => candidate.key === board.key);
  if (!view) {
    return (
      <RankingsCard>
        <p className="muted">Users cannot read this leaderboard now, so it has no rankings to show.</p>
      </RankingsCard>
    );
  }
  return <RunRankings board={view} runs={[runs.data.current, ...runs.data.past]} attributes={attributes} />;
}

/** The rankings of the run picked (the current one first) and, on a board with breakdowns, of the group named. */
function RunRankings({ board, runs, attributes }: { board: VisibleLeaderboard; runs: readonly LeaderboardRun[]; attributes: readonly Attribute[] }) {
  const { env, calls } = useEnvironmentCalls(rankingsApi);
  const { envPath } = useEnvironment();
  const metrics = useMetrics();
  const streak = useStreakSettings();
  const formatScore = scoreFormatter(board, metrics.data, streak.data?.frequency);
  const [runStart, setRunStart] = useState(runs[0]!.start);
  const run = runs.find((candidate) => candidate.start === runStart) ?? runs[0]!;
  const current = run === runs[0];
  // The server's breakdown keys, named by the attributes' names.
  const keys = board.breakdownAttributes;
  const breakdown = keys.map((key) => ({ key, name: attributes.find((attribute) => attribute.key === key && attribute.type === 'user')?.name ?? key }));
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [group, setGroup] = useState<Record<string, string>>();
  const [missing, setMissing] = useState<string[]>([]);
  const { ref, failed } = useFocusFirstError();
  const [page, setPage] = useState(0);
  const limit = Math.min(PAGE_SIZE, board.maxParticipants);
  const needsGroup = keys.length > 0;
  const userAttributes = group && keys.map((key) => `${key}:${group[key] ?? ''}`).join(',');

  const rankings = useQuery({
    queryKey: [...configKeys.leaderboards(env), board.id, 'rankings', run.start, userAttributes, page],
    queryFn: () => calls.rankings(board.key, { run: run.start, offset: page * limit, limit: Math.min(limit + 1, board.maxParticipants), ...(userAttributes ? { userAttributes } : {}) }),
    enabled: !needsGroup || group !== undefined,
    placeholderData: keepPreviousData,
    refetchInterval: board.status === 'active' && current ? LIVE_INTERVAL_MS : false,
  });
  const placed = rankings.error ? placeErrors(rankings.error, ['userAttributes'] as const) : undefined;
  const rows = rankings.data?.rankings.slice(0, limit) ?? [];

  function showGroup(event: FormEvent) {
    event.preventDefault();
    const empty = keys.filter((key) => !typed[key]?.trim());
    setMissing(empty);
    if (empty.length > 0) return failed();
    setGroup(Object.fromEntries(keys.map((key) => [key, typed[key]!.trim()])));
    setPage(0);
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
        {board.runUnit !== null ? (
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
            {breakdown.length === 1 ? `Each ${breakdown[0]!.name} has` : `Each combination of ${breakdown.map((a) => a.name).join(' and ')} has`} a ranking of its
            own. Name the group to read:
          </p>
          <div className="filters">
            {breakdown.map((attribute) => (
              <TextField
                key={attribute.key}
                label={attribute.name}
                value={typed[attribute.key] ?? ''}
                onChange={(e) => setTyped({ ...typed, [attribute.key]: e.target.value })}
                maxLength={255}
                error={
                  missing.includes(attribute.key)
                    ? `${attribute.name} is required: the group's value.`
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
