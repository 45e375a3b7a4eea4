import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DELIVERY_PAGE_SIZE, deliveryStatuses, webhookKeys, type DeliveryFilter, type DeliveryStatus, type Webhook } from '../../api/webhooks';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { Field } from '../../ui/form';
import { Pagination } from '../../ui/misc';
import { ACTIONS_COLUMN, Table } from '../../ui/table';
import { DeliveryRow } from './DeliveryRow';
import { EventTypeOptions } from './EventTypeOptions';
import { LIVE_INTERVAL_MS, useEventTypes, useWebhooksApi } from './queries';
import { RecoverDialog } from './RecoverDialog';

/** The webhook's deliveries, newest first, refreshed every 2 s while the tab is visible. */
export function DeliveryLog({ webhook, highlightId }: { webhook: Webhook; highlightId: string | undefined }) {
  const { env, calls } = useWebhooksApi();
  const eventTypes = useEventTypes();
  const [filter, setFilter] = useState<DeliveryFilter>({});
  const [page, setPage] = useState(0);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [recovering, setRecovering] = useState(false);
  const deliveries = useQuery({
    queryKey: webhookKeys.deliveryList(env, webhook.id, filter, page),
    queryFn: ({ signal }) => calls.deliveries(webhook.id, filter, page, signal),
    // react-query pauses the interval while the document is hidden (refetchIntervalInBackground is off).
    refetchInterval: LIVE_INTERVAL_MS,
    // Changing a filter or page keeps the old rows on screen until the new ones arrive, instead of flashing a spinner.
    placeholderData: keepPreviousData,
  });
  const filtered = filter.status !== undefined || filter.eventType !== undefined;

  function changeFilter(next: DeliveryFilter) {
    setFilter(next);
    setPage(0);
  }

  function toggle(id: string) {
    const next = new Set(expanded);
    if (!next.delete(id)) next.add(id);
    setExpanded(next);
  }

  return (
    <section className="section" aria-labelledby="deliveries-heading">
      <div className="section-header">
        <div className="row">
          <h2 id="deliveries-heading">Deliveries</h2>
          <span className="live" title={`Refreshes every ${LIVE_INTERVAL_MS / 1000} s while this tab is visible`}>
            <span className="live-dot" aria-hidden="true" /> Live
          </span>
        </div>
        <button type="button" className="button button-small" onClick={() => setRecovering(true)}>
          Recover failed deliveries
        </button>
      </div>
      <div className="filters">
        <Field label="Status">
          {(a11y) => (
            <select
              className="input"
              {...a11y}
              value={filter.status ?? ''}
              onChange={(e) => changeFilter({ ...filter, status: (e.target.value || undefined) as DeliveryStatus | undefined })}
            >
              <option value="">All statuses</option>
              {deliveryStatuses.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Filter by event type">
          {(a11y) => (
            <select className="input" {...a11y} value={filter.eventType ?? ''} onChange={(e) => changeFilter({ ...filter, eventType: e.target.value || undefined })}>
              <option value="">All event types</option>
              <EventTypeOptions eventTypes={eventTypes.data ?? []} />
            </select>
          )}
        </Field>
        {filtered && (
          <button type="button" className="button button-ghost button-small" onClick={() => changeFilter({})}>
            Clear filters
          </button>
        )}
      </div>
      {deliveries.isPending ? (
        <Loading what="deliveries" />
      ) : deliveries.isError && !deliveries.data ? (
        <ErrorNotice error={deliveries.error} title="Could not load the deliveries" onRetry={() => deliveries.refetch()} />
      ) : deliveries.data.length === 0 && page === 0 ? (
        filtered ? (
          <EmptyState title="No deliveries match these filters" action={<button type="button" className="button" onClick={() => changeFilter({})}>Clear filters</button>} />
        ) : (
          <EmptyState title="No deliveries yet">
            Deliveries appear here as soon as an event this webhook subscribes to happens. Send a test event above to see one now.
          </EmptyState>
        )
      ) : (
        <>
          {deliveries.isError && <p className="muted small">Live updates paused: {deliveries.error.message}</p>}
          <Table className="delivery-table" columns={[{ label: 'Details', hidden: true }, 'Status', 'Event', 'Last attempt', 'Attempts', 'Created', ACTIONS_COLUMN]}>
            {deliveries.data.map((delivery) => (
              <DeliveryRow
                key={delivery.id}
                webhook={webhook}
                delivery={delivery}
                expanded={expanded.has(delivery.id)}
                highlighted={delivery.id === highlightId}
                onToggle={() => toggle(delivery.id)}
              />
            ))}
          </Table>
          <Pagination page={page} hasMore={deliveries.data.length === DELIVERY_PAGE_SIZE} onPage={setPage} />
        </>
      )}
      <RecoverDialog webhook={webhook} open={recovering} onClose={() => setRecovering(false)} />
    </section>
  );
}
