import type { Webhook } from '../../api/webhooks';
import { Badge } from '../../ui/misc';

/** Enabled, disabled by a person, or disabled by Laurel itself (which carries a reason). */
export function WebhookStateBadge({ webhook }: { webhook: Pick<Webhook, 'enabled' | 'disabledReason'> }) {
  if (webhook.enabled) return <Badge tone="success">Enabled</Badge>;
  if (webhook.disabledReason) return <Badge tone="danger">Auto-disabled</Badge>;
  return <Badge>Disabled</Badge>;
}
