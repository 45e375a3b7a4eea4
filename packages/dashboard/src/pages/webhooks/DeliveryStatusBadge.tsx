import type { DeliveryStatus } from '../../api/webhooks';
import { Badge, type Tone } from '../../ui/misc';

const tones: Record<DeliveryStatus, Tone> = {
  succeeded: 'success',
  failed: 'danger',
  retrying: 'warning',
  pending: 'info',
  delivering: 'info',
};

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <Badge tone={tones[status]}>
      <span className={`status-dot status-dot-${tones[status]}`} aria-hidden="true" />
      {status}
    </Badge>
  );
}
