import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Card } from '../../../ui/card';
import { ErrorNotice, Loading } from '../../../ui/feedback';
import { formatNumber } from '../../../ui/format';
import { Pagination, RelativeTime } from '../../../ui/misc';
import { Table } from '../../../ui/table';
import { configKeys, useConfigApi } from '../queries';

const PAGE_SIZE = 20;

/** The user's metric events, newest first, with the total each one left. */
export function UserEvents({ userId }: { userId: string }) {
  const { env, calls } = useConfigApi();
  const [page, setPage] = useState(0);
  // One more than a page tells whether there is a next page.
  const events = useQuery({
    queryKey: [...configKeys.user(env, userId), 'events', page],
    queryFn: () => calls.users.events(userId, PAGE_SIZE + 1, page * PAGE_SIZE),
    placeholderData: keepPreviousData,
  });
  const rows = events.data?.slice(0, PAGE_SIZE) ?? [];

  return (
    <Card title="Recent events">
      {events.isPending ? (
        <Loading what="events" />
      ) : events.isError ? (
        <ErrorNotice error={events.error} title="Could not load the user's events" onRetry={() => events.refetch()} />
      ) : rows.length === 0 ? (
        <p className="muted">No metric events for this user{page > 0 ? ' on this page' : ' yet'}.</p>
      ) : (
        <>
          <Table compact columns={['When', 'Metric', { label: 'Value', numeric: true }, { label: 'Total after', numeric: true }, 'Idempotency key']}>
            {rows.map((event) => (
              <tr key={event.id}>
                <td>
                  <RelativeTime iso={event.created} />
                </td>
                <td>
                  {event.metricName} <span className="cell-sub mono">{event.metricKey}</span>
                </td>
                <td className="numeric">
                  {event.value > 0 ? '+' : ''}
                  {formatNumber(event.value)}
                </td>
                <td className="numeric">{formatNumber(event.total)}</td>
                <td className="mono small">{event.idempotencyKey ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </Table>
          <Pagination page={page} hasMore={(events.data?.length ?? 0) > PAGE_SIZE} onPage={setPage} />
        </>
      )}
    </Card>
  );
}
