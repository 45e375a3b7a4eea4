import { useState } from 'react';
import type { Metric, MetricStats } from '../../api/config';
import { DeleteDialog } from '../../ui/dialog';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { formatAmount, formatNumber } from '../../ui/format';
import { Badge, PageHeader } from '../../ui/misc';
import { ACTIONS_COLUMN, EditDeleteButtons, Table } from '../../ui/table';
import { MetricDialog } from './metrics/MetricDialog';
import { useConfigApi, useInvalidate, useMetrics, useMetricStats } from './queries';

type Editing = { kind: 'create' } | { kind: 'edit'; metric: Metric } | { kind: 'delete'; metric: Metric };

export default function MetricsPage() {
  const metrics = useMetrics();
  const stats = useMetricStats();
  const { calls } = useConfigApi();
  const invalidate = useInvalidate();
  const [editing, setEditing] = useState<Editing>();
  const close = () => setEditing(undefined);
  const statsById = new Map(stats.data?.map((entry) => [entry.metricId, entry]));

  const createButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      Create metric
    </button>
  );

  return (
    <>
      <PageHeader
        title="Metrics"
        description="What your users do, counted per user: words written, lessons finished. Achievements and streaks are built on metrics."
        actions={metrics.data && metrics.data.length > 0 ? createButton : undefined}
      />
      {metrics.isPending ? (
        <Loading what="metrics" />
      ) : metrics.isError ? (
        <ErrorNotice error={metrics.error} title="Could not load metrics" onRetry={() => metrics.refetch()} />
      ) : metrics.data.length === 0 ? (
        <EmptyState title="No metrics yet" action={createButton}>
          A metric counts something your users do. Create one, then have your backend send events to{' '}
          <code>POST /v1/metrics/&#123;key&#125;/event</code>.
        </EmptyState>
      ) : (
        <>
          {stats.isError && <ErrorNotice error={stats.error} title="Usage totals are unavailable" onRetry={() => stats.refetch()} />}
          <Table columns={['Metric', 'Units', { label: 'Total (all users)', numeric: true }, { label: 'Users', numeric: true }, ACTIONS_COLUMN]}>
            {metrics.data.map((metric) => (
              <MetricRow
                key={metric.id}
                metric={metric}
                stats={statsById.get(metric.id)}
                statsStatus={stats.status}
                onEdit={() => setEditing({ kind: 'edit', metric })}
                onDelete={() => setEditing({ kind: 'delete', metric })}
              />
            ))}
          </Table>
        </>
      )}

      {editing?.kind === 'create' && <MetricDialog onClose={close} />}
      {editing?.kind === 'edit' && <MetricDialog metric={editing.metric} onClose={close} />}
      {editing?.kind === 'delete' && (
        <DeleteDialog
          title={`Delete ${editing.metric.name}?`}
          confirmLabel="Delete metric"
          onClose={close}
          remove={async () => {
            await calls.metrics.remove(editing.metric.id);
            await invalidate('metrics', 'achievements', 'streak-settings', 'points', 'leaderboards', 'users');
          }}
        >
          <p>
            This deletes every event of <code>{editing.metric.key}</code> and every user's total for it. Achievements that count it stay but
            can no longer complete, a streak condition on it stops counting, points triggers on it never fire and leaderboards that rank it
            rank nothing. This cannot be undone.
          </p>
        </DeleteDialog>
      )}
    </>
  );
}

function MetricRow({
  metric,
  stats,
  statsStatus,
  onEdit,
  onDelete,
}: {
  metric: Metric;
  stats: MetricStats | undefined;
  statsStatus: 'pending' | 'error' | 'success';
  onEdit: () => void;
  onDelete: () => void;
}) {
  // A metric without events has no stats entry: that is zero, not unknown.
  const total = statsStatus === 'success' ? (stats?.total ?? 0) : undefined;
  const users = statsStatus === 'success' ? (stats?.users ?? 0) : undefined;
  const unknown = <span className="muted">{statsStatus === 'pending' ? '…' : '—'}</span>;
  return (
    <tr>
      <td>
        <div className="cell-title">{metric.name}</div>
        <div className="cell-sub mono">{metric.key}</div>
      </td>
      <td>
        {metric.unitType === 'currency' ? (
          <Badge tone="info">{metric.units || 'currency'}</Badge>
        ) : metric.units ? (
          metric.units
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="numeric">{total === undefined ? unknown : formatAmount(total, metric.unitType, metric.unitType === 'currency' ? metric.units : undefined)}</td>
      <td className="numeric">{users === undefined ? unknown : formatNumber(users)}</td>
      <td className="actions">
        <EditDeleteButtons name={metric.name} onEdit={onEdit} onDelete={onDelete} />
      </td>
    </tr>
  );
}
