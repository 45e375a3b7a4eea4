import { useMutation } from '@tanstack/react-query';
import type { Delivery, Webhook } from '../../api/webhooks';
import { errorMessage } from '../../ui/feedback';
import { RelativeTime } from '../../ui/misc';
import { AttemptSummary } from './AttemptSummary';
import { DeliveryDetails } from './DeliveryDetails';
import { DeliveryStatusBadge } from './DeliveryStatusBadge';
import { useDeliveriesChanged, useWebhooksApi } from './queries';

const COLUMNS = 7;

/** One delivery; clicking the row (or its Details button) opens the payload and every attempt underneath. */
export function DeliveryRow({
  webhook,
  delivery,
  expanded,
  highlighted,
  onToggle,
}: {
  webhook: Webhook;
  delivery: Delivery;
  expanded: boolean;
  highlighted: boolean;
  onToggle: () => void;
}) {
  const { calls } = useWebhooksApi();
  const deliveriesChanged = useDeliveriesChanged(webhook.id);
  const detailsId = `delivery-${delivery.id}`;
  const resend = useMutation({
    mutationFn: () => calls.resend(webhook.id, delivery.id),
    onSuccess: (detail) => deliveriesChanged(detail),
  });
  const resendBlocked = !webhook.enabled ? 'Enable the webhook to resend' : delivery.status === 'delivering' ? 'An attempt is in flight' : undefined;

  return (
    <>
      <tr
        className={`clickable${expanded ? ' expanded' : ''}${highlighted ? ' row-new' : ''}`}
        data-testid="delivery-row"
        data-status={delivery.status}
        data-event-type={delivery.eventType}
        data-delivery-id={delivery.id}
        onClick={onToggle}
      >
        <td className="cell-toggle">
          <button
            type="button"
            className="icon-button chevron"
            aria-label="Details"
            aria-expanded={expanded}
            aria-controls={expanded ? detailsId : undefined}
            onClick={(event) => {
              event.stopPropagation();
              onToggle();
            }}
          >
            <span aria-hidden="true">›</span>
          </button>
        </td>
        <td>
          <DeliveryStatusBadge status={delivery.status} />
        </td>
        <td>
          <code className="event-type">{delivery.eventType}</code>
          <div className="cell-sub mono" title="webhook-id header: stable across retries and resends">
            {delivery.id}
          </div>
        </td>
        <td>
          <AttemptSummary attempt={delivery.lastAttempt} />
          {delivery.status === 'retrying' && delivery.nextAttemptAt && (
            <div className="cell-sub">
              next retry <RelativeTime iso={delivery.nextAttemptAt} />
            </div>
          )}
        </td>
        <td>{delivery.attemptCount}</td>
        <td className="nowrap">
          <RelativeTime iso={delivery.created} />
        </td>
        <td className="actions" onClick={(event) => event.stopPropagation()}>
          <button type="button" className="button button-small" disabled={resend.isPending || Boolean(resendBlocked)} title={resendBlocked} onClick={() => resend.mutate()}>
            {resend.isPending ? 'Resending…' : 'Resend'}
          </button>
          {resend.isError && (
            <div className="field-error" role="alert">
              {errorMessage(resend.error)}
            </div>
          )}
        </td>
      </tr>
      {expanded && (
        <tr className="details-row">
          <td colSpan={COLUMNS} id={detailsId}>
            <DeliveryDetails webhookId={webhook.id} delivery={delivery} />
          </td>
        </tr>
      )}
    </>
  );
}
