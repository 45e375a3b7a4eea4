import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { STATS_HOURS, WEBHOOK_PAGE_SIZE, webhookKeys, type EventTypeInfo, type Webhook, type WebhookStats } from '../../api/webhooks';
import { useEnvironment } from '../../app/environment';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { PageHeader, Pagination, RelativeTime } from '../../ui/misc';
import { Table } from '../../ui/table';
import { CreateWebhookDialog } from './CreateWebhookDialog';
import { DeliveryStatusBadge } from './DeliveryStatusBadge';
import { EventList } from './EventList';
import { formatRate } from './format';
import { useEventTypes, useWebhookStats, useWebhooksApi } from './queries';
import { WebhookStateBadge } from './WebhookStateBadge';

/** Every webhook of the environment with how its deliveries went over the last day. */
export default function WebhooksPage() {
  const { environment } = useEnvironment();
  const { env, calls } = useWebhooksApi();
  const [page, setPage] = useState(0);
  const [creating, setCreating] = useState(false);
  const webhooks = useQuery({ queryKey: webhookKeys.list(env, page), queryFn: () => calls.list(page) });
  const stats = useWebhookStats();
  const eventTypes = useEventTypes();
  const statsById = new Map(stats.data?.map((row) => [row.webhookId, row]));
  const empty = webhooks.data?.length === 0 && page === 0;

  const create = (
    <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
      Add webhook
    </button>
  );

  return (
    <>
      <PageHeader
        title="Webhooks"
        description={
          <>
            Laurel POSTs a signed JSON request to each webhook when one of its events happens in <strong>{environment.name}</strong>, and retries
            when the receiver fails.
          </>
        }
        actions={empty ? undefined : create}
      />
      {webhooks.isPending ? (
        <Loading what="webhooks" />
      ) : webhooks.isError ? (
        <ErrorNotice error={webhooks.error} title="Could not load the webhooks" onRetry={() => webhooks.refetch()} />
      ) : empty ? (
        <EmptyState title="No webhooks yet" action={create}>
          Add the URL of an endpoint in your backend and choose the events it should receive, such as <code>achievement.completed</code>. Then send a
          test event from the webhook’s page to see a signed delivery arrive.
        </EmptyState>
      ) : (
        <>
          <Table columns={['Webhook', 'Events', 'State', `Success rate (${STATS_HOURS} h)`, 'Last delivery']}>
            {webhooks.data.map((webhook) => (
              <WebhookRow key={webhook.id} webhook={webhook} stats={statsById.get(webhook.id)} eventTypes={eventTypes.data} />
            ))}
          </Table>
          {stats.isError && <p className="muted small">Delivery statistics are unavailable: {stats.error.message}</p>}
          <Pagination page={page} hasMore={webhooks.data.length === WEBHOOK_PAGE_SIZE} onPage={setPage} />
        </>
      )}
      <CreateWebhookDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function WebhookRow({ webhook, stats, eventTypes }: { webhook: Webhook; stats: WebhookStats | undefined; eventTypes: readonly EventTypeInfo[] | undefined }) {
  const { envPath } = useEnvironment();
  const navigate = useNavigate();
  // The whole row opens the webhook; the name stays a real link for keyboards and new tabs.
  return (
    <tr className="clickable" data-testid="webhook-row" onClick={() => navigate(envPath(`webhooks/${webhook.id}`))}>
      <td className="cell-main">
        <Link className="cell-title row-link" to={envPath(`webhooks/${webhook.id}`)}>
          {webhook.name}
        </Link>
        <div className="cell-sub mono truncate" title={webhook.url}>
          {webhook.url}
        </div>
      </td>
      <td>
        <EventList events={webhook.events} max={2} eventTypes={eventTypes} />
      </td>
      <td>
        <WebhookStateBadge webhook={webhook} />
        {webhook.disabledReason && <div className="cell-sub cell-reason">{webhook.disabledReason}</div>}
      </td>
      <td>
        <SuccessRate stats={stats} />
      </td>
      <td>
        {stats?.lastStatus ? (
          <>
            <DeliveryStatusBadge status={stats.lastStatus} />
            <div className="cell-sub">
              <RelativeTime iso={stats.lastDeliveryAt} />
            </div>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

function SuccessRate({ stats }: { stats: WebhookStats | undefined }) {
  if (!stats || stats.total === 0) return <span className="muted">No deliveries</span>;
  const finished = stats.succeeded + stats.failed;
  const rate = stats.successRate;
  const tone = rate === null ? 'neutral' : rate >= 0.99 ? 'success' : rate >= 0.9 ? 'warning' : 'danger';
  return (
    <div className="rate">
      <span className={`rate-value rate-${tone}`}>{rate === null ? '—' : formatRate(rate)}</span>
      <div className="rate-bar" aria-hidden="true">
        <span className={`rate-fill rate-fill-${tone}`} style={{ width: `${(rate ?? 0) * 100}%` }} />
      </div>
      <div className="cell-sub">
        {stats.succeeded} of {finished} delivered{stats.pending > 0 ? ` · ${stats.pending} in flight` : ''}
      </div>
    </div>
  );
}
