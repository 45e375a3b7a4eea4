import { useQuery } from '@tanstack/react-query';
import type { UserMetric } from '../../../api/config';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading } from '../../../ui/feedback';
import { formatAmount } from '../../../ui/format';
import { Table } from '../../../ui/table';
import { configKeys, useConfigApi, useMetrics } from '../queries';

/** The user's total per metric and how far they are through that metric's achievements. */
export function UserMetrics({ userId }: { userId: string }) {
  const { env, calls } = useConfigApi();
  const metrics = useMetrics();
  const progress = useQuery({ queryKey: [...configKeys.user(env, userId), 'metrics'], queryFn: () => calls.users.metrics(userId) });
  const units = new Map(metrics.data?.map((m) => [m.id, m]));
  const amount = (metric: UserMetric, value: number) => formatAmount(value, units.get(metric.id)?.unitType, units.get(metric.id)?.units);

  return (
    <Card title="Metrics">
      {progress.isPending ? (
        <Loading what="metrics" />
      ) : progress.isError ? (
        <ErrorNotice error={progress.error} title="Could not load the user's metrics" onRetry={() => progress.refetch()} />
      ) : progress.data.length === 0 ? (
        <p className="muted">This environment has no metrics yet.</p>
      ) : (
        <Table compact columns={['Metric', { label: 'Total', numeric: true }, 'Achievements']}>
          {progress.data.map((metric) => {
            const done = metric.achievements.filter((a) => a.achievedAt !== null);
            const next = metric.achievements
              .filter((a) => a.achievedAt === null && a.metricValue !== undefined)
              .sort((a, b) => (a.metricValue ?? 0) - (b.metricValue ?? 0))[0];
            return (
              <tr key={metric.id}>
                <td>
                  <div className="cell-title">{metric.name}</div>
                  <div className="cell-sub mono">{metric.key}</div>
                </td>
                <td className="numeric">{amount(metric, metric.current)}</td>
                <td>
                  {metric.achievements.length === 0 ? (
                    <span className="muted">none on this metric</span>
                  ) : (
                    <>
                      <div>
                        {done.length} of {metric.achievements.length} completed
                      </div>
                      {next && (
                        <div className="cell-sub">
                          Next: {next.name} at {amount(metric, next.metricValue ?? 0)}
                        </div>
                      )}
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
    </Card>
  );
}
