import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { isFinal, webhookKeys, type Attempt, type Delivery } from '../../api/webhooks';
import { ErrorNotice, Loading } from '../../ui/feedback';
import { Badge, CopyButton, JsonBlock, RelativeTime } from '../../ui/misc';
import { AttemptSummary } from './AttemptSummary';
import { LIVE_INTERVAL_MS, useWebhooksApi } from './queries';

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** The expanded part of a delivery row: the exact body sent and what happened on every attempt. */
export function DeliveryDetails({ webhookId, delivery }: { webhookId: string; delivery: Delivery }) {
  const { env, calls } = useWebhooksApi();
  const detail = useQuery({
    queryKey: webhookKeys.delivery(env, webhookId, delivery.id),
    queryFn: () => calls.delivery(webhookId, delivery.id),
    // A finished delivery changes only by a resend, which the list notices (below); an open one is followed live.
    refetchInterval: (query) => (query.state.data && isFinal(query.state.data.status) ? false : LIVE_INTERVAL_MS),
  });
  const { refetch } = detail;
  const stale = detail.data !== undefined && detail.data.updated !== delivery.updated;
  useEffect(() => {
    if (stale) void refetch();
  }, [stale, refetch]);

  if (detail.isPending) return <Loading what="the delivery" />;
  if (detail.isError) return <ErrorNotice error={detail.error} title="Could not load the delivery" onRetry={() => refetch()} />;
  const data = detail.data;
  const payload = JSON.stringify(data.payload, null, 2);

  return (
    <div className="delivery-details">
      <dl className="details details-inline">
        <dt>Delivery ID</dt>
        <dd className="mono">{data.id}</dd>
        <dt>Event ID</dt>
        <dd className="mono">{data.eventId}</dd>
        <dt>Created</dt>
        <dd>{absolute.format(new Date(data.created))}</dd>
        {data.nextAttemptAt && (
          <>
            <dt>Next attempt</dt>
            <dd>
              <RelativeTime iso={data.nextAttemptAt} />
            </dd>
          </>
        )}
      </dl>
      <div className="delivery-columns">
        <div>
          <div className="spread subheading-row">
            <h3 className="subheading">Payload</h3>
            <CopyButton value={payload} label="Copy payload" />
          </div>
          <JsonBlock value={payload} />
        </div>
        <div>
          <h3 className="subheading subheading-row">
            Attempts <span className="muted">({data.attempts.length})</span>
          </h3>
          {data.attempts.length === 0 ? (
            <p className="muted">No attempt yet: the worker picks it up within a second or two.</p>
          ) : (
            <ol className="attempts" aria-label="Attempts">
              {data.attempts.map((attempt, index) => (
                <AttemptItem key={attempt.number} attempt={attempt} latest={index === data.attempts.length - 1} />
              ))}
            </ol>
          )}
        </div>
      </div>
    </div>
  );
}

const triggerTones = { first: 'neutral', retry: 'warning', manual: 'info' } as const;

/** The latest attempt opens its headers and response: it is the one being debugged. */
function AttemptItem({ attempt, latest }: { attempt: Attempt; latest: boolean }) {
  return (
    <li className="attempt" data-testid="delivery-attempt" data-trigger={attempt.trigger} data-status-code={attempt.statusCode ?? ''}>
      <div className="attempt-head">
        <span className="attempt-number">#{attempt.number}</span>
        <Badge tone={triggerTones[attempt.trigger]}>{attempt.trigger}</Badge>
        <AttemptSummary attempt={attempt} />
        <span className="muted small attempt-time" title={absolute.format(new Date(attempt.startedAt))}>
          <RelativeTime iso={attempt.startedAt} />
        </span>
      </div>
      {(attempt.errorKind || attempt.errorMessage) && (
        <div className="attempt-error">
          {attempt.errorKind && <code>{attempt.errorKind}</code>} {attempt.errorMessage}
        </div>
      )}
      <details open={latest}>
        <summary>Request headers</summary>
        <table className="kv-table">
          <tbody>
            {Object.entries(attempt.requestHeaders).map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className="mono">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details open={latest}>
        <summary>Response body</summary>
        {attempt.responseBody ? <pre className="code-block code-block-light">{attempt.responseBody}</pre> : <p className="muted small">No body.</p>}
      </details>
    </li>
  );
}
