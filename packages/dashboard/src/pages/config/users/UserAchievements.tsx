import { useQuery } from '@tanstack/react-query';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading } from '../../../ui/feedback';
import { formatPercent } from '../../../ui/format';
import { Badge, RelativeTime } from '../../../ui/misc';
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
        // A list, not a table: on a phone a table of four columns scrolls and hides when it was completed.
        <ul className="achievement-list" aria-label="The user's achievements">
          {sorted.map((achievement) => (
            <li key={achievement.id} className={achievement.achievedAt ? 'user-achievement' : 'user-achievement row-muted'} data-testid="user-achievement">
              <div className="user-achievement-line">
                <span className="cell-title break-anywhere">{achievement.name}</span>
                {achievement.achievedAt ? <RelativeTime iso={achievement.achievedAt} /> : <Badge>Not yet</Badge>}
              </div>
              <div className="cell-sub">
                <span className="mono">{achievement.key}</span> · {describeRule(achievement, metricsById, byId, streak.data?.frequency)}
                {achievement.rarity === undefined ? null : <> · {formatPercent(achievement.rarity)} of users</>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
