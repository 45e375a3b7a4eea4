// The configuration the metric-event benchmark runs against, made through the Admin API as an
// operator would: one metric, three metric achievements, a daily streak on that metric with
// freezes, and one webhook subscribed to every event type.
export const METRIC_KEY = 'lessons';
export const ACHIEVEMENT_THRESHOLDS = [10, 100, 1000] as const;

export interface Configured {
  webhookId: string;
  eventTypes: string[];
}

export async function configureLaurel(origin: string, apiKey: string, receiverUrl: string): Promise<Configured> {
  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${origin}/admin/v1${path}`, {
      method,
      headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /admin/v1${path} answered ${res.status}: ${text}`);
    const parsed = JSON.parse(text) as unknown;
    const issues = (parsed as { issues?: unknown[] }).issues;
    if (Array.isArray(issues) && issues.length > 0) throw new Error(`${method} /admin/v1${path} reported issues: ${text}`);
    return parsed;
  };

  await admin('POST', '/metrics', [{ name: 'Lessons', key: METRIC_KEY }]);
  await admin(
    'POST',
    '/achievements',
    ACHIEVEMENT_THRESHOLDS.map((metricValue) => ({
      name: `${metricValue} lessons`,
      key: `lessons-${metricValue}`,
      trigger: 'metric',
      metricKey: METRIC_KEY,
      metricValue,
      status: 'active',
    })),
  );
  await admin('PUT', '/streaks/settings', {
    enabled: true,
    frequency: 'daily',
    conditions: [{ metricKey: METRIC_KEY, threshold: 1 }],
    evaluationMode: 'AND',
    weekStart: 0,
    freezes: { enabled: true, initial: 1, max: 3, autoEarnInterval: 7, autoEarnAmount: 1 },
    personalization: false,
  });
  const eventTypes = ((await admin('GET', '/webhook-event-types')) as { type: string }[]).map((t) => t.type);
  const created = (await admin('POST', '/webhooks', [{ name: 'bench receiver', url: receiverUrl, events: eventTypes }])) as { created: { id: string }[] };
  return { webhookId: created.created[0]!.id, eventTypes };
}
