import { useQuery, useQueryClient } from '@tanstack/react-query';
import { webhookKeys, webhooksApi, type DeliveryDetail } from '../../api/webhooks';
import { useEnvironmentCalls } from '../../app/environment';

/** The webhook calls of the current environment, with the environment id that prefixes every query key. */
export function useWebhooksApi() {
  return useEnvironmentCalls(webhooksApi);
}

/** How often the delivery log and its counters refresh: "live" without a socket. */
export const LIVE_INTERVAL_MS = 2_000;

export function useEventTypes() {
  const { env, calls } = useWebhooksApi();
  // The catalog is fixed for a server version: fetch it once per visit.
  return useQuery({ queryKey: webhookKeys.eventTypes(env), queryFn: calls.eventTypes, staleTime: Infinity });
}

export function useWebhookStats(live = false) {
  const { env, calls } = useWebhooksApi();
  return useQuery({ queryKey: webhookKeys.stats(env), queryFn: calls.stats, refetchInterval: live ? LIVE_INTERVAL_MS : 30_000 });
}

/** After deliveries were created or resent: keeps the delivery the server answered with, and refreshes the log and the counters. */
export function useDeliveriesChanged(webhookId: string) {
  const { env } = useWebhooksApi();
  const client = useQueryClient();
  return (delivery?: DeliveryDetail) => {
    if (delivery) client.setQueryData(webhookKeys.delivery(env, webhookId, delivery.id), delivery);
    void client.invalidateQueries({ queryKey: webhookKeys.deliveries(env, webhookId) });
    void client.invalidateQueries({ queryKey: webhookKeys.stats(env) });
  };
}
