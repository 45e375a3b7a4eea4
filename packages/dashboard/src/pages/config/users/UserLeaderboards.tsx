import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { rankingsApi, type Leaderboard } from '../../../api/leaderboards';
import { useEnvironment, useEnvironmentCalls } from '../../../app/environment';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading } from '../../../ui/feedback';
import { Badge } from '../../../ui/misc';
import { Table } from '../../../ui/table';
import { STATUS_LABEL, STATUS_TONE } from '../leaderboards/describe';
import { useLeaderboards } from '../leaderboards/queries';
import { scoreFormatter } from '../leaderboards/score';
import { usePointsSystems } from '../points/queries';
import { configKeys, useMetrics, useStreakSettings } from '../queries';

/** The user's rank on every leaderboard users can see, in the run of the user's own today (in their breakdown group). */
export function UserLeaderboards({ userId }: { userId: string }) {
  const boards = useLeaderboards();
  // Inactive boards rank nobody and cannot be read.
  const visible = boards.data?.filter((board) => board.status !== 'inactive') ?? [];
  return (
    <Card title="Leaderboards">
      {boards.isPending ? (
        <Loading what="leaderboards" />
      ) : boards.isError ? (
        <ErrorNotice error={boards.error} title="Could not load leaderboards" onRetry={() => boards.refetch()} />
      ) : visible.length === 0 ? (
        <p className="muted">No leaderboard is scheduled, active or finished in this environment.</p>
      ) : (
        <Table compact columns={['Leaderboard', { label: 'Rank', numeric: true }, { label: 'Score', numeric: true }]}>
          {visible.map((board) => (
            <Standing key={board.id} userId={userId} board={board} />
          ))}
        </Table>
      )}
    </Card>
  );
}

function Standing({ userId, board }: { userId: string; board: Leaderboard }) {
  const { env, calls } = useEnvironmentCalls(rankingsApi);
  const { envPath } = useEnvironment();
  const metrics = useMetrics();
  const systems = usePointsSystems();
  const streak = useStreakSettings();
  const standing = useQuery({ queryKey: [...configKeys.user(env, userId), 'leaderboards', board.key], queryFn: () => calls.forUser(userId, board.key) });
  const formatScore = scoreFormatter(board, new Map(metrics.data?.map((m) => [m.id, m])), new Map(systems.data?.map((s) => [s.id, s])), streak.data?.frequency);

  return (
    <tr data-testid="user-standing">
      <td className="cell-wide">
        <Link to={envPath(`leaderboards/${board.id}`)} className="cell-title">
          {board.name}
        </Link>{' '}
        <Badge tone={STATUS_TONE[board.status]}>{STATUS_LABEL[board.status]}</Badge>
      </td>
      {standing.isPending ? (
        <td colSpan={2} className="muted">
          …
        </td>
      ) : standing.isError ? (
        <td colSpan={2}>
          <ErrorNotice error={standing.error} title="Could not load the rank" onRetry={() => standing.refetch()} />
        </td>
      ) : standing.data.rank === null ? (
        <td colSpan={2} className="muted">
          Not ranked in this run
        </td>
      ) : (
        <>
          <td className="numeric">#{standing.data.rank}</td>
          <td className="numeric">{formatScore(standing.data.value ?? 0)}</td>
        </>
      )}
    </tr>
  );
}
