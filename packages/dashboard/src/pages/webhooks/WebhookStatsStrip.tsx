import type { ReactNode } from 'react';
import { STATS_HOURS } from '../../api/webhooks';
import { RelativeTime } from '../../ui/misc';
import { DeliveryStatusBadge } from './DeliveryStatusBadge';
import { formatRate } from './format';
import { useWebhookStats } from './queries';

/** The last day at a glance, refreshed with the log so a test event moves the numbers. */
export function WebhookStatsStrip({ webhookId }: { webhookId: string }) {
  const stats = useWebhookStats(true);
  if (stats.isError) return null;
  const row = stats.data?.find((candidate) => candidate.webhookId === webhookId);
  const value = (n: number | undefined) => (n === undefined ? '…' : n.toLocaleString());
  return (
    <section className="stats-strip" aria-label={`Deliveries in the last ${STATS_HOURS} hours`}>
      <Tile label={`Success rate · ${STATS_HOURS} h`}>{row?.successRate == null ? '—' : formatRate(row.successRate)}</Tile>
      <Tile label="Succeeded">{value(row?.succeeded)}</Tile>
      <Tile label="Failed" tone={row && row.failed > 0 ? 'danger' : undefined}>
        {value(row?.failed)}
      </Tile>
      <Tile label="In flight">{value(row?.pending)}</Tile>
      <Tile label="Last delivery">
        {row?.lastStatus ? (
          <span className="stat-last">
            <DeliveryStatusBadge status={row.lastStatus} />
            <span className="muted small">
              <RelativeTime iso={row.lastDeliveryAt} />
            </span>
          </span>
        ) : (
          '—'
        )}
      </Tile>
    </section>
  );
}

function Tile({ label, tone, children }: { label: string; tone?: 'danger' | undefined; children: ReactNode }) {
  return (
    <div className="stat-tile">
      <div className="stat-label">{label}</div>
      <div className={`stat-value${tone ? ` stat-${tone}` : ''}`}>{children}</div>
    </div>
  );
}
