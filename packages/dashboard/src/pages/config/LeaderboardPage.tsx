import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { Leaderboard } from '../../api/leaderboards';
import { useEnvironment } from '../../app/environment';
import { Card } from '../../ui/card';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { formatNumber } from '../../ui/format';
import { Badge, PageHeader } from '../../ui/misc';
import { describeRuns, describeSpan, describeWindow, STATUS_LABEL, STATUS_TONE } from './leaderboards/describe';
import { LeaderboardDialog } from './leaderboards/LeaderboardDialog';
import { useLeaderboard } from './leaderboards/queries';
import { Rankings } from './leaderboards/Rankings';
import { usePointsSystems } from './points/queries';
import { useAttributes, useMetrics } from './queries';

/** One leaderboard: its configuration, and its rankings per run and per breakdown group, live for the run under way. */
export default function LeaderboardPage() {
  const { id = '' } = useParams();
  const { envPath } = useEnvironment();
  const board = useLeaderboard(id);
  const back = (
    <Link to={envPath('leaderboards')} className="back-link">
      ← Leaderboards
    </Link>
  );

  if (board.isPending) return <Loading what="leaderboard" />;
  if (board.isError) {
    return (
      <>
        {back}
        {board.error instanceof ApiError && board.error.status === 404 ? (
          <EmptyState title="Leaderboard not found" action={<Link to={envPath('leaderboards')}>All leaderboards</Link>}>
            This environment has no leaderboard with the id <code>{id}</code>. It may have been deleted, or belong to another environment.
          </EmptyState>
        ) : (
          <ErrorNotice error={board.error} title="Could not load the leaderboard" onRetry={() => board.refetch()} />
        )}
      </>
    );
  }
  return (
    <>
      {back}
      <BoardContents board={board.data} />
    </>
  );
}

function BoardContents({ board }: { board: Leaderboard }) {
  const [editing, setEditing] = useState(false);
  const metrics = useMetrics();
  const systems = usePointsSystems();
  const attributes = useAttributes();
  const metricsById = new Map(metrics.data?.map((m) => [m.id, m]));
  const systemsById = new Map(systems.data?.map((s) => [s.id, s]));
  const hours = describeWindow(board);
  const ranks =
    board.rankBy === 'streak'
      ? 'Streak length'
      : board.rankBy === 'metric'
        ? (board.metricId ? metricsById.get(board.metricId)?.name : 'A deleted metric (ranks nothing)')
        : board.pointsSystemId
          ? `${systemsById.get(board.pointsSystemId)?.name ?? ''} points`
          : 'A deleted points system (ranks nothing)';
  const breakdown = board.breakdownAttributes.map((id) => attributes.data?.find((a) => a.id === id)?.name ?? 'a deleted attribute');

  return (
    <>
      <PageHeader
        title={board.name}
        description={
          <>
            <span className="mono">{board.key}</span> <Badge tone={STATUS_TONE[board.status]}>{STATUS_LABEL[board.status]}</Badge>
            {board.description && <span className="block">{board.description}</span>}
          </>
        }
        actions={
          <button type="button" className="button" onClick={() => setEditing(true)}>
            Edit leaderboard
          </button>
        }
      />
      <div className="stack">
        <Card title="Configuration">
          <dl className="details">
            <dt>Ranks by</dt>
            <dd>{ranks ?? '…'}</dd>
            <dt>Runs</dt>
            <dd>
              {describeRuns(board)} · {describeSpan(board)}
            </dd>
            <dt>Counts</dt>
            <dd>{hours ?? 'All day'}</dd>
            <dt>Breakdown</dt>
            <dd>{breakdown.length > 0 ? `A ranking per ${breakdown.join(' and ')}` : 'None: one ranking'}</dd>
            <dt>Places</dt>
            <dd>{formatNumber(board.maxParticipants)} per ranking</dd>
          </dl>
        </Card>
        {attributes.data ? <Rankings board={board} attributes={attributes.data} /> : <Loading what="rankings" />}
      </div>
      {editing && <LeaderboardDialog board={board} onClose={() => setEditing(false)} />}
    </>
  );
}
