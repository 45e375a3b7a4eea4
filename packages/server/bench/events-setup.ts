// The configuration the metric-event benchmark runs against, made through the Admin API as an
// operator would: one metric, three metric achievements, a daily streak on that metric with
// freezes, and one webhook subscribed to every event type. --config full adds points and
// leaderboards on top (configurePointsAndLeaderboards), which --config both compares with none.
export const METRIC_KEY = 'lessons';
export const ACHIEVEMENT_THRESHOLDS = [10, 100, 1000] as const;

export interface Configured {
  webhookId: string;
  eventTypes: string[];
}

/** The user attribute the events carry when points and leaderboards are compared (LoadTarget cities). */
export const CITY_ATTRIBUTE = 'city';

type Admin = (method: string, path: string, body?: unknown) => Promise<unknown>;

function adminClient(origin: string, apiKey: string): Admin {
  return async (method, path, body) => {
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
}

export async function configureLaurel(origin: string, apiKey: string, receiverUrl: string, options: { cityAttribute?: boolean } = {}): Promise<Configured> {
  const admin = adminClient(origin, apiKey);
  if (options.cityAttribute) await admin('POST', '/attributes', [{ name: 'City', key: CITY_ATTRIBUTE, type: 'user' }]);
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

/**
 * Issue 14's full configuration, on top of configureLaurel's (with the city attribute): two points
 * systems, each with a metric trigger and a streak trigger, XP with a level table and a boost active
 * today; a leaderboard of XP and one of the metric broken down by city. Every event then awards
 * points (boosted), may move a level, and is scored on both boards.
 */
export async function configurePointsAndLeaderboards(origin: string, apiKey: string): Promise<void> {
  const admin = adminClient(origin, apiKey);
  const metrics = (await admin('GET', '/metrics')) as { id: string; key: string }[];
  const metricId = metrics.find((m) => m.key === METRIC_KEY)!.id;
  const attributes = (await admin('GET', '/attributes')) as { id: string; key: string }[];
  const cityId = attributes.find((a) => a.key === CITY_ATTRIBUTE)!.id;
  const day = 24 * 60 * 60 * 1000;
  const date = (offsetDays: number) => new Date(Date.now() + offsetDays * day).toISOString().slice(0, 10);
  const created = (await admin('POST', '/points', [
    {
      name: 'XP',
      key: 'xp',
      triggers: [
        { type: 'metric', points: 10, metricId, metricThreshold: 1, status: 'active' },
        { type: 'streak', points: 50, streakLength: 1, status: 'active' },
      ],
      levels: [
        { name: 'Bronze', key: 'bronze', points: 0 },
        { name: 'Silver', key: 'silver', points: 100 },
        { name: 'Gold', key: 'gold', points: 1000 },
      ],
      // From yesterday, so it is active today in every time zone.
      boosts: [{ name: 'Double XP', start: date(-1), end: date(30), multiplier: 2, rounding: 'down' }],
    },
    {
      name: 'Coins',
      key: 'coins',
      triggers: [
        { type: 'metric', points: 1, metricId, metricThreshold: 5, status: 'active' },
        { type: 'streak', points: 5, streakLength: 1, status: 'active' },
      ],
    },
  ])) as { created: { id: string; key: string }[] };
  const xpId = created.created.find((s) => s.key === 'xp')!.id;
  await admin('POST', '/leaderboards', [
    { name: 'XP', key: 'xp-board', status: 'active', start: date(-1), rankBy: 'points', pointsSystemId: xpId, maxParticipants: 1000, breakdownAttributes: [] },
    { name: 'Lessons by city', key: 'lessons-by-city', status: 'active', start: date(-1), rankBy: 'metric', metricId, maxParticipants: 1000, breakdownAttributes: [cityId] },
  ]);
}
