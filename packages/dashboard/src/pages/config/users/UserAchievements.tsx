import { useQuery } from '@tanstack/react-query';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading } from '../../../ui/feedback';
import { formatPercent } from '../../../ui/format';
import { Badge, RelativeTime } from '../../../ui/misc';
import { Table } from '../../../ui/table';
import { describeRule } from '../achievements/describe';
import { configKeys, useAchievements, useConfigApi, useMetrics, useStreakSettings } from '../queries';

/** Completed achievements first (newest first), then the active ones the user can still earn. */
export function UserAchievements({ userId }: { userId: string }) {
  const { env, calls } = useConfigApi();
  const all = useAchievements();
  const metrics = useMetrics();
  const streak = useStreakSettings();
  const achievements = useQuery({ queryKey: [...configKeys.user(env, userId), 'achievements'], queryFn: () => calls.users.achievements(userId) });
  const byId = new Map(all.data?.map((a) => [a.id, a]));
  const metricsById = new Map(metrics.data?.map((m) => [m.id, m]));
  const sorted = [...(achievements.data ?? [])].sort((a, b) => (b.achievedAt ?? '').localeCompare(a.achievedAt ?? ''));
  const completed = sorted.filter((a) => a.achievedAt !== null).length;

  return (
    <Card
      title="Achievements"
      actions={
        achievements.data && achievements.data.length > 0 ? (
          <span className="muted">
            {completed} of {achievements.data.length} completed
          </span>
        ) : null
      }
    >
      {achievements.isPending ? (
        <Loading what="achievements" />
      ) : achievements.isError ? (
        <ErrorNotice error={achievements.error} title="Could not load the user's achievements" onRetry={() => achievements.refetch()} />
      ) : sorted.length === 0 ? (
        <p className="muted">No active achievements in this environment yet.</p>
      ) : (
        <Table compact columns={['Achievement', 'Completes when', 'Completed', { label: 'Rarity', numeric: true }]}>
          {sorted.map((achievement) => (
            <tr key={achievement.id} className={achievement.achievedAt ? undefined : 'row-muted'}>
              <td>
                <div className="cell-title">{achievement.name}</div>
                <div className="cell-sub mono">{achievement.key}</div>
              </td>
              <td>{describeRule(achievement, metricsById, byId, streak.data?.frequency)}</td>
              <td>{achievement.achievedAt ? <RelativeTime iso={achievement.achievedAt} /> : <Badge>Not yet</Badge>}</td>
              <td className="numeric">{achievement.rarity === undefined ? '—' : formatPercent(achievement.rarity)}</td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
