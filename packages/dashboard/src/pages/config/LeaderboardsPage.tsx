import { useState } from 'react';
import { Link } from 'react-router';
import type { Leaderboard } from '../../api/leaderboards';
import { useEnvironment } from '../../app/environment';
import { DeleteDialog } from '../../ui/dialog';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { formatNumber } from '../../ui/format';
import { Badge, PageHeader } from '../../ui/misc';
import { ACTIONS_COLUMN, EditDeleteButtons, Table } from '../../ui/table';
import { describeRuns, describeSpan, describeWindow, STATUS_LABEL, STATUS_TONE } from './leaderboards/describe';
import { LeaderboardDialog } from './leaderboards/LeaderboardDialog';
import { useLeaderboards, useLeaderboardsApi } from './leaderboards/queries';
import { usePointsSystems } from './points/queries';
import { useAttributes, useInvalidate, useMetrics } from './queries';

type Editing = { kind: 'create' } | { kind: 'edit'; board: Leaderboard } | { kind: 'delete'; board: Leaderboard };

export default function LeaderboardsPage() {
  const boards = useLeaderboards();
  const metrics = useMetrics();
  const systems = usePointsSystems();
  const attributes = useAttributes();
  const { calls } = useLeaderboardsApi();
  const { envPath } = useEnvironment();
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<Editing>();
  const close = () => setEditing(undefined);
  const all = boards.data ?? [];
  const metricsById = new Map(metrics.data?.map((m) => [m.id, m]));
  const systemsById = new Map(systems.data?.map((s) => [s.id, s]));
  const attributesById = new Map(attributes.data?.map((a) => [a.id, a]));

  /** "Lessons completed", "XP points", "Streak length"; a deleted metric or system ranks nothing. */
  function ranks(board: Leaderboard): string {
    if (board.rankBy === 'streak') return 'Streak length';
    if (board.rankBy === 'metric') return board.metricId ? (metricsById.get(board.metricId)?.name ?? '…') : 'A deleted metric (ranks nothing)';
    return board.pointsSystemId ? `${systemsById.get(board.pointsSystemId)?.name ?? '…'} points` : 'A deleted points system (ranks nothing)';
  }

  const createButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      Create leaderboard
    </button>
  );

  return (
    <>
      <PageHeader
        title="Leaderboards"
        description="Rankings of users by a metric, points or their streak, in runs that can repeat (weekly, monthly), with a separate ranking per breakdown group."
        actions={all.length > 0 ? createButton : undefined}
      />
      {boards.isPending ? (
        <Loading what="leaderboards" />
      ) : boards.isError ? (
        <ErrorNotice error={boards.error} title="Could not load leaderboards" onRetry={() => boards.refetch()} />
      ) : all.length === 0 ? (
        <EmptyState title="No leaderboards yet" action={createButton}>
          Create one, for example a weekly leaderboard of lessons per city. New leaderboards start inactive, so you can check them before users see
          them.
        </EmptyState>
      ) : (
        <Table columns={['Leaderboard', 'Ranks by', 'Runs', 'Status', { label: 'Places', numeric: true }, ACTIONS_COLUMN]}>
          {all.map((board) => {
            const hours = describeWindow(board);
            return (
              <tr key={board.id} data-testid="leaderboard-row">
                <td className="cell-wide">
                  <Link to={envPath(`leaderboards/${board.id}`)} className="cell-title">
                    {board.name}
                  </Link>
                  <div className="cell-sub mono">{board.key}</div>
                  {board.description && <div className="cell-sub clamp">{board.description}</div>}
                </td>
                <td className="cell-medium">
                  <div>{ranks(board)}</div>
                  {board.breakdownAttributes.length > 0 && (
                    <div className="cell-sub filter-chips">
                      per{' '}
                      {board.breakdownAttributes.map((id) => (
                        <code key={id} className="chip">
                          {attributesById.get(id)?.key ?? 'deleted attribute'}
                        </code>
                      ))}
                    </div>
                  )}
                </td>
                <td className="cell-medium">
                  <div>{describeRuns(board)}</div>
                  <div className="cell-sub">{describeSpan(board)}</div>
                  {hours && <div className="cell-sub">{hours}</div>}
                </td>
                <td>
                  <Badge tone={STATUS_TONE[board.status]}>{STATUS_LABEL[board.status]}</Badge>
                </td>
                <td className="numeric">{formatNumber(board.maxParticipants)}</td>
                <td className="actions">
                  <EditDeleteButtons name={board.name} onEdit={() => setEditing({ kind: 'edit', board })} onDelete={() => setEditing({ kind: 'delete', board })} />
                </td>
              </tr>
            );
          })}
        </Table>
      )}

      {editing?.kind === 'create' && <LeaderboardDialog onClose={close} />}
      {editing?.kind === 'edit' && <LeaderboardDialog board={editing.board} onClose={close} />}
      {editing?.kind === 'delete' && (
        <DeleteDialog
          title={`Delete ${editing.board.name}?`}
          confirmLabel="Delete leaderboard"
          onClose={close}
          remove={async () => {
            await calls.remove(editing.board.id);
            await invalidate('leaderboards');
          }}
        >
          <p>This deletes its rankings, scores and rank history in every run. To stop it but keep its final rankings, set it finished instead.</p>
        </DeleteDialog>
      )}
    </>
  );
}
