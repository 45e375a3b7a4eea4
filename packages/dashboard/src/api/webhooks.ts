import type { AdminIssue, EnvironmentApi } from './client';

/** Webhooks and their delivery log: Laurel's extension of the Admin API (docs/api.md, "Webhooks"). */

export const eventAreas = ['achievements', 'streaks', 'points', 'leaderboards', 'emails'] as const;
export type EventArea = (typeof eventAreas)[number];

export interface EventTypeInfo {
  type: string;
  area: EventArea;
  title: string;
  description: string;
  /** Whether Laurel emits it today; otherwise only test events of this type are sent, for now. */
  live: boolean;
  sample: unknown;
}

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  /** Set when Laurel disabled the webhook itself (410 Gone, failing for too long). */
  disabledReason: string | null;
  timeoutMs: number | null;
  created: string;
  updated: string;
}

export interface WebhookInput {
  name: string;
  url: string;
  events: string[];
  timeoutMs: number | null;
}

export interface SecretInfo {
  secret: string;
  previousSecrets: { secret: string; expires: string }[];
}

export const deliveryStatuses = ['pending', 'delivering', 'retrying', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface WebhookStats {
  webhookId: string;
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  successRate: number | null;
  lastStatus: DeliveryStatus | null;
  lastDeliveryAt: string | null;
}

export interface Attempt {
  number: number;
  trigger: 'first' | 'retry' | 'manual';
  startedAt: string;
  statusCode: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  latencyMs: number;
  responseBody: string | null;
  requestHeaders: Record<string, string>;
}

export interface Delivery {
  id: string;
  eventId: string;
  webhookId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  created: string;
  updated: string;
  lastAttempt: Attempt | null;
}

export interface DeliveryDetail extends Delivery {
  payload: unknown;
  attempts: Attempt[];
}

export interface DeliveryFilter {
  status?: DeliveryStatus | undefined;
  eventType?: string | undefined;
}

/** Finished deliveries never change again, so their detail need not be polled. */
export function isFinal(status: DeliveryStatus): boolean {
  return status === 'succeeded' || status === 'failed';
}

/** Every key starts with the environment id, so two environments never share cached data. */
export const webhookKeys = {
  all: (env: string) => [env, 'webhooks'] as const,
  list: (env: string, page: number) => [env, 'webhooks', 'list', page] as const,
  stats: (env: string) => [env, 'webhooks', 'stats'] as const,
  one: (env: string, id: string) => [env, 'webhooks', 'one', id] as const,
  secret: (env: string, id: string) => [env, 'webhooks', 'secret', id] as const,
  deliveries: (env: string, id: string) => [env, 'webhooks', 'deliveries', id] as const,
  deliveryList: (env: string, id: string, filter: DeliveryFilter, page: number) =>
    [env, 'webhooks', 'deliveries', id, 'list', filter.status ?? '', filter.eventType ?? '', page] as const,
  delivery: (env: string, id: string, deliveryId: string) => [env, 'webhooks', 'deliveries', id, 'one', deliveryId] as const,
  eventTypes: (env: string) => [env, 'webhook-event-types'] as const,
};

/** The dashboard's window for success rates and last status, as the issue asks. */
export const STATS_HOURS = 24;
export const WEBHOOK_PAGE_SIZE = 50;
export const DELIVERY_PAGE_SIZE = 25;

const path = (id: string) => `/admin/v1/webhooks/${encodeURIComponent(id)}`;

export function webhooksApi(api: EnvironmentApi) {
  return {
    list: (page: number) => api.get<Webhook[]>('/admin/v1/webhooks', { limit: WEBHOOK_PAGE_SIZE, skip: page * WEBHOOK_PAGE_SIZE }),
    stats: () => api.get<WebhookStats[]>('/admin/v1/webhooks/stats', { hours: STATS_HOURS }),
    get: (id: string) => api.get<Webhook>(path(id)),
    eventTypes: () => api.get<EventTypeInfo[]>('/admin/v1/webhook-event-types'),
    create: (input: WebhookInput) => {
      const { timeoutMs, ...rest } = input;
      // Leaving timeoutMs out (rather than null) keeps the create call identical to the documented minimal one.
      const body = timeoutMs === null ? rest : input;
      return api.post<{ created: (Webhook & { secret: string })[]; issues: AdminIssue[] }>('/admin/v1/webhooks', [body]);
    },
    update: (id: string, changes: Partial<WebhookInput> & { enabled?: boolean }) =>
      api.patch<{ updated: Webhook[]; issues: AdminIssue[] }>('/admin/v1/webhooks', [{ id, ...changes }]),
    remove: (id: string) => api.delete<{ deleted: { id: string }[]; issues: AdminIssue[] }>('/admin/v1/webhooks', { ids: id }),
    secret: (id: string) => api.get<SecretInfo>(`${path(id)}/secret`),
    rotateSecret: (id: string, overlapSeconds: number) => api.post<SecretInfo>(`${path(id)}/secret/rotate`, { overlapSeconds }),
    sendTest: (id: string, type: string) => api.post<DeliveryDetail>(`${path(id)}/test`, { type }),
    deliveries: (id: string, filter: DeliveryFilter, page: number, signal?: AbortSignal) =>
      api.get<Delivery[]>(
        `${path(id)}/deliveries`,
        { status: filter.status, eventType: filter.eventType, limit: DELIVERY_PAGE_SIZE, skip: page * DELIVERY_PAGE_SIZE },
        signal,
      ),
    delivery: (id: string, deliveryId: string) => api.get<DeliveryDetail>(`${path(id)}/deliveries/${encodeURIComponent(deliveryId)}`),
    resend: (id: string, deliveryId: string) => api.post<DeliveryDetail>(`${path(id)}/deliveries/${encodeURIComponent(deliveryId)}/resend`),
    recover: (id: string, since: string, until?: string) => api.post<{ recovered: number }>(`${path(id)}/recover`, { since, ...(until ? { until } : {}) }),
  };
}
