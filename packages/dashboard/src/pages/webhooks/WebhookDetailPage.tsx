import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { webhookKeys, type Webhook } from '../../api/webhooks';
import { useEnvironment } from '../../app/environment';
import { Card } from '../../ui/card';
import { EmptyState, ErrorNotice, Loading, Notice } from '../../ui/feedback';
import { CopyButton, PageHeader, RelativeTime } from '../../ui/misc';
import { DeliveryLog } from './DeliveryLog';
import { EventList } from './EventList';
import { LIVE_INTERVAL_MS, useEventTypes, useWebhooksApi } from './queries';
import { SecretPanel } from './SecretPanel';
import { TestEventCard } from './TestEventCard';
import { WebhookActions } from './WebhookActions';
import { WebhookStatsStrip } from './WebhookStatsStrip';
import { WebhookStateBadge } from './WebhookStateBadge';

const HIGHLIGHT_MS = 3_000;

/** One webhook: its settings, its secret, a test button and the live delivery log. */
export default function WebhookDetailPage() {
  const { id = '' } = useParams();
  const { envPath } = useEnvironment();
  const { env, calls } = useWebhooksApi();
  // Polled with the log: Laurel may disable the webhook itself (410 Gone) while the page is open.
  const webhook = useQuery({ queryKey: webhookKeys.one(env, id), queryFn: () => calls.get(id), refetchInterval: LIVE_INTERVAL_MS });
  // The delivery the last test event created, highlighted when it shows up in the log; only briefly,
  // or every later remount of its row (a filter change) would flash it again.
  const [testDeliveryId, setTestDeliveryId] = useState<string>();
  useEffect(() => {
    if (!testDeliveryId) return;
    const timer = setTimeout(() => setTestDeliveryId(undefined), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [testDeliveryId]);

  const back = (
    <Link to={envPath('webhooks')} className="back-link">
      ← Webhooks
    </Link>
  );

  if (webhook.isPending) return <Loading what="the webhook" />;
  if (webhook.isError) {
    return (
      <>
        {back}
        {webhook.error instanceof ApiError && webhook.error.status === 404 ? (
          <EmptyState title="Webhook not found" action={<Link to={envPath('webhooks')}>See all webhooks</Link>}>
            It may have been deleted, or it belongs to another environment.
          </EmptyState>
        ) : (
          <ErrorNotice error={webhook.error} title="Could not load the webhook" onRetry={() => webhook.refetch()} />
        )}
      </>
    );
  }

  const hook = webhook.data;
  return (
    <>
      {back}
      <PageHeader
        title={hook.name}
        description={
          <span className="url-row">
            <WebhookStateBadge webhook={hook} />
            <code className="url">{hook.url}</code>
            <CopyButton value={hook.url} label="Copy URL" />
          </span>
        }
        actions={<WebhookActions webhook={hook} />}
      />
      {hook.disabledReason && (
        <Notice kind="error">
          <strong>Laurel disabled this webhook</strong>
          <span>{hook.disabledReason}.</span>
          <span>Enable it once the receiver works again, then recover the deliveries that failed in the meantime from the log below.</span>
        </Notice>
      )}
      {!hook.enabled && !hook.disabledReason && (
        <Notice kind="warning">This webhook is disabled: it receives no events, and test events, resends and recovery are refused until you enable it.</Notice>
      )}
      <WebhookStatsStrip webhookId={hook.id} />
      <div className="detail-grid">
        <Overview webhook={hook} />
        <SecretPanel webhookId={hook.id} />
      </div>
      <TestEventCard webhook={hook} onSent={setTestDeliveryId} />
      <DeliveryLog webhook={hook} highlightId={testDeliveryId} />
    </>
  );
}

function Overview({ webhook }: { webhook: Webhook }) {
  const eventTypes = useEventTypes();
  return (
    <Card title="Overview">
      <dl className="details">
        <dt>Events</dt>
        <dd>
          <EventList events={webhook.events} eventTypes={eventTypes.data} />
        </dd>
        <dt>Timeout</dt>
        <dd>{webhook.timeoutMs === null ? <span className="muted">server default</span> : `${webhook.timeoutMs / 1000} s`}</dd>
        <dt>Webhook ID</dt>
        <dd>
          <span className="url-row">
            <span className="mono">{webhook.id}</span>
            <CopyButton value={webhook.id} label="Copy ID" />
          </span>
        </dd>
        <dt>Created</dt>
        <dd>
          <RelativeTime iso={webhook.created} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <RelativeTime iso={webhook.updated} />
        </dd>
      </dl>
    </Card>
  );
}
