import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { rankingsApi, type VisibleLeaderboard } from '../../../api/leaderboards';
import { useEnvironment, useEnvironmentCalls } from '../../../app/environment';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading } from '../../../ui/feedback';
import { Badge } from '../../../ui/misc';
import { STATUS_LABEL, STATUS_TONE } from '../leaderboards/describe';
import { useVisibleLeaderboards } from '../leaderboards/queries';
import { scoreFormatter } from '../leaderboards/score';
import { configKeys, useMetrics, useStreakSettings } from '../queries';

/** The user's rank on every leaderboard users can see, in the run of the user's own today (in their breakdown group). */
export function UserLeaderboards({ userId }: { userId: string }) {
  // The boards users can read, as the server lists them (inactive ones rank nobody).
  const boards = useVisibleLeaderboards();
  return (
    <Card title="Leaderboards">
      {boards.isPending ? (
        <Loading what="leaderboards" />
      ) : boards.isError ? (
        <ErrorNotice error={boards.error} title="Could not load leaderboards" onRetry={() => boards.refetch()} />
      ) : boards.data.length === 0 ? (
        <p className="muted">No leaderboard is scheduled, active or finished in this environment.</p>
      ) : (
        // A list, not a table: a board's name and a score with its units do not fit side by side on a phone.
        <ul className="standing-list">
          {boards.data.map((board) => (
            <Standing key={board.id} userId={userId} board={board} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function Standing({ userId, board }: { userId: string; board: VisibleLeaderboard }) {
  const { env, calls } = useEnvironmentCalls(rankingsApi);
  const { envPath } = useEnvironment();
  const metrics = useMetrics();
  const streak = useStreakSettings();
  const standing = useQuery({ queryKey: [...configKeys.user(env, userId), 'leaderboards', board.key], queryFn: () => calls.forUser(userId, board.key) });
  const formatScore = scoreFormatter(board, metrics.data, streak.data?.frequency);

  return (
    <li className="standing" data-testid="user-standing">
      <div className="standing-board">
        <Link to={envPath(`leaderboards/${board.id}`)} className="cell-title">
          {board.name}
        </Link>{' '}
        <Badge tone={STATUS_TONE[board.status]}>{STATUS_LABEL[board.status]}</Badge>
      </div>
      {standing.isPending ? (
        <div className="muted">…</div>
      ) : standing.isError ? (
        <ErrorNotice error={standing.error} title="Could not load the rank" onRetry={() => standing.refetch()} />
      ) : standing.data.rank === null ? (
        <div className="muted">Not ranked in this run</div>
      ) : (
        <div className="standing-place">
          <span className="standing-rank" data-testid="standing-rank">
            #{standing.data.rank}
          </span>
          <span data-testid="standing-score">{formatScore(standing.data.value ?? 0)}</span>
        </div>
      )}
    </li>
  );
}
