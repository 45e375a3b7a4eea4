import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { webhookKeys, webhooksApi } from '../../api/webhooks';
import { useEnvironment } from '../../app/environment';

/** The webhook calls of the current environment, with the environment id that prefixes every query key. */
export function useWebhooksApi() {
  const { environment, api } = useEnvironment();
  const calls = useMemo(() => webhooksApi(api), [api]);
  return { env: environment.id, calls };
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
