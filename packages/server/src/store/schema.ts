import type { Insertable, Selectable } from 'kysely';

/**
 * The database as Kysely sees it. Times are Unix milliseconds (bigint in PostgreSQL, integer in
 * SQLite) so both backends store, compare and index them the same way; booleans are 0/1 for the
 * same reason.
 */
export interface Schema {
  environments: EnvironmentTable;
  api_keys: ApiKeyTable;
  webhooks: WebhookTable;
  webhook_secrets: WebhookSecretTable;
  events: EventTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
}

export interface EnvironmentTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  environment_id: string;
  /** The public half of `{prefix}.{secret}`, safe to show and log. */
  prefix: string;
  /** SHA-256 of the secret half; the secret itself is shown once and never stored. */
  secret_hash: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface WebhookTable {
  id: string;
  environment_id: string;
  name: string;
  url: string;
  /** JSON array of subscribed event types. */
  events: string;
  enabled: number;
  /** Why the webhook was disabled automatically (410 Gone, days of failures); null when enabled by hand. */
  disabled_reason: string | null;
  /** A per-webhook attempt timeout below the global one; null uses the global. */
  timeout_ms: number | null;
  /** Start of the current run of failures without a success; null while healthy. */
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookSecretTable {
  id: string;
  webhook_id: string;
  secret: string;
  created_at: number;
  /** null for the current secret; set on rotation to the end of the overlap window. */
  expires_at: number | null;
}

export interface EventTable {
  id: string;
  environment_id: string;
  type: string;
  /** The exact JSON body every delivery of this event sends (and signs). */
  payload: string;
  created_at: number;
}

export const deliveryStatuses = ['pending', 'delivering', 'succeeded', 'retrying', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const attemptTriggers = ['first', 'retry', 'manual'] as const;
export type AttemptTrigger = (typeof attemptTriggers)[number];

export interface DeliveryTable {
  id: string;
  event_id: string;
  webhook_id: string;
  environment_id: string;
  event_type: string;
  status: DeliveryStatus;
  /** Attempts started so far (claims), including one in flight. */
  attempts: number;
  next_attempt_at: number;
  /** What the next attempt counts as in the log. */
  next_trigger: AttemptTrigger;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DeliveryAttemptTable {
  id: string;
  delivery_id: string;
  webhook_id: string;
  number: number;
  trigger: AttemptTrigger;
  started_at: number;
  status_code: number | null;
  error_kind: string | null;
  error_message: string | null;
  latency_ms: number;
  /** At most 4 KiB of what the receiver answered. */
  response_body: string | null;
  /** JSON object of the request headers sent, signatures included (they are not secrets). */
  request_headers: string;
}

export type Webhook = Selectable<WebhookTable>;
export type Delivery = Selectable<DeliveryTable>;
export type DeliveryAttempt = Selectable<DeliveryAttemptTable>;
export type NewDelivery = Insertable<DeliveryTable>;
