/**
 * Fills a fresh Laurel through its HTTP API, as a script of the owner would: the session of the
 * owner account (the cookie the browser then reuses), and data on every page, including the long
 * URLs and ids that narrow screens must cope with.
 */
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import type { Receiver } from './receiver.js';

export const owner = { email: 'owner@example.com', password: 'a long enough password' };

/** The owner's dashboard session, used from Node: the cookie and the CSRF token the server handed out. */
export interface OwnerSession {
  url: string;
  cookie: string;
  call(method: string, path: string, body?: unknown, environment?: string): Promise<any>;
  /** Signs a browser context in as the owner, without going through the sign-in page. */
  signIn(context: BrowserContext): Promise<void>;
}

export async function createOwner(url: string, setupToken?: string): Promise<OwnerSession> {
  const response = await fetch(`${url}/console/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...owner, ...(setupToken ? { setupToken } : {}) }),
  });
  assert.equal(response.status, 201, await response.clone().text());
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
  const [name, value] = cookie.split('=') as [string, string];
  return {
    url,
    cookie,
    async call(method, path, body, environment = 'development') {
      const answer = await fetch(`${url}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          'x-laurel-environment': environment,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await answer.text();
      assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    signIn: (context) => context.addCookies([{ name, value, url }]),
  };
}

/** Ids of what was seeded, for the pages that show one object. */
export interface Seeded {
  webhookId: string;
  webhookUrl: string;
  /** A user with a long id (an identity provider's subject) and no email address. */
  longUserId: string;
  /** The XP points system, with triggers of every type, levels and boosts of every kind. */
  xpSystemId: string;
  /** A weekly leaderboard by city, live since three days ago, with lessons scored in two cities. */
  weeklyBoardId: string;
}

/**
 * Configuration, users, events and deliveries in the development environment, a member and a
 * staging environment. Waits until the receiver has the deliveries, so the log has rows.
 */
export async function seedEverything(session: OwnerSession, receiver: Receiver): Promise<Seeded> {
  const { call } = session;
  await call('POST', '/admin/v1/attributes', [
    { name: 'Plan', key: 'plan', type: 'user' },
    { name: 'Source', key: 'source', type: 'event' },
    { name: 'City', key: 'city', type: 'user' },
  ]);
  await call('POST', '/admin/v1/metrics', [
    { name: 'Lessons completed', key: 'lessons', units: 'lessons' },
    { name: 'Minutes practised', key: 'minutes', units: 'minutes' },
  ]);
  await call('PUT', '/admin/v1/streaks/settings', {
    enabled: true,
    frequency: 'daily',
    conditions: [{ metricKey: 'lessons', threshold: 1 }],
    freezes: { enabled: true, initial: 1, max: 3, autoEarnInterval: 7, autoEarnAmount: 1 },
  });
  const { created: achievements } = await call('POST', '/admin/v1/achievements', [
    { name: 'Ten lessons', key: 'ten-lessons', trigger: 'metric', metricKey: 'lessons', metricValue: 10, status: 'active' },
    { name: 'First week', key: 'first-week', trigger: 'streak', streakLength: 7, status: 'active' },
    { name: 'Founding member', key: 'founding-member', trigger: 'api', status: 'active', description: 'Granted by the backend to the first thousand users.' },
    {
      name: 'An hour on the phone app',
      key: 'an-hour-on-the-phone-app',
      trigger: 'metric',
      metricKey: 'minutes',
      metricValue: 60,
      eventAttributes: [{ key: 'source', value: 'ios-and-android-apps' }],
      userAttributes: [{ key: 'plan', value: 'premium-annual' }],
    },
  ]);
  await call('POST', '/admin/v1/achievements', [
    { name: 'All-rounder', key: 'all-rounder', trigger: 'achievement', achievementIds: [achievements[0].id, achievements[1].id], status: 'active' },
  ]);
  await call('POST', '/admin/v1/api-keys', { name: 'backend (development)' });

  const webhookUrl = `${receiver.url}/laurel/production-eu-west-1/gamification-events/v2?tenant=acme-corporation-international&scheme=standard-webhooks`;
  const { created: webhooks } = await call('POST', '/admin/v1/webhooks', [
    { name: 'Local receiver', url: webhookUrl, events: ['achievement.completed', 'streak.started', 'streak.extended', 'points.changed'] },
  ]);
  const webhookId: string = webhooks[0].id;

  const longUserId = 'auth0|65f1c2d3e4b5a69788776655-acme-corporation-international-eu-west-1';
  await call('PUT', '/v1/users/maya', { name: 'Maya', email: 'maya@example.com', tz: 'Europe/London', attributes: { plan: 'premium-annual', city: 'London' } });
  await call('POST', '/v1/metrics/lessons/event', { user: { id: longUserId, attributes: { plan: 'free', city: 'London' } }, value: 10 });
  await call('POST', '/v1/metrics/lessons/event', { user: { id: 'maya' }, value: 3 });
  await call('POST', '/v1/metrics/minutes/event', { user: { id: 'maya' }, value: 25, attributes: { source: 'ios-and-android-apps' } });
  await call('POST', `/admin/v1/webhooks/${webhookId}/test`, { type: 'points.changed' });
  await receiver.waitFor((delivery) => delivery.body.includes('"points.changed"'));
  await receiver.waitFor((delivery) => delivery.body.includes('"achievement.completed"'));

  const { xpSystemId, weeklyBoardId } = await seedPointsAndLeaderboards(session, achievements[0].id, longUserId);

  await call('POST', '/console/v1/members', { email: 'teammate-with-a-long-address@example-company.co.uk' });
  await call('POST', '/console/v1/environments', { name: 'staging', kind: 'staging' });
  return { webhookId, webhookUrl, longUserId, xpSystemId, weeklyBoardId };
}

/** A local date `days` from today (UTC), for boards and boosts that must be under way, or not yet. */
function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Two points systems (XP with a trigger of every type, three levels and a boost of every kind;
 * a capped energy system) and three leaderboards (weekly by metric with a breakdown, all-time by
 * points, by streak with a daily window), after the users exist: a user's boost names one. Then
 * lessons of both users, which the weekly board ranks in London.
 */
async function seedPointsAndLeaderboards({ call }: OwnerSession, achievementId: string, longUserId: string): Promise<{ xpSystemId: string; weeklyBoardId: string }> {
  const ids = async (path: string) => new Map<string, string>(((await call('GET', `${path}?limit=100`)) as { id: string; key: string }[]).map((item) => [item.key, item.id]));
  const metrics = await ids('/admin/v1/metrics');
  const attributes = await ids('/admin/v1/attributes');
  const { created: systems } = await call('POST', '/admin/v1/points', [
    {
      name: 'XP',
      key: 'xp',
      description: 'Experience points for lessons, streaks and milestones.',
      triggers: [
        {
          type: 'metric',
          points: 10,
          metricId: metrics.get('lessons'),
          metricThreshold: 3,
          status: 'active',
          eventAttributes: [{ attributeId: attributes.get('source'), attributeValue: 'ios-and-android-apps' }],
        },
        { type: 'streak', points: 50, streakLength: 7, status: 'active' },
        { type: 'achievement', points: 100, achievementId, status: 'active', userAttributes: [{ attributeId: attributes.get('plan'), attributeValue: 'premium-annual' }] },
        { type: 'user_creation', points: 25 },
      ],
      levels: [
        { name: 'Bronze', key: 'bronze', points: 0 },
        { name: 'Silver', key: 'silver', points: 500, description: 'Half way to the top.' },
        { name: 'Gold', key: 'gold', points: 2500 },
      ],
      boosts: [
        { name: 'Double XP weekend', start: dayFromToday(-1), end: dayFromToday(1), multiplier: 2 },
        { name: 'Premium bonus', start: dayFromToday(7), multiplier: 1.5, rounding: 'nearest', userAttributes: [{ attributeId: attributes.get('plan'), attributeValue: 'premium-annual' }] },
      ],
    },
    {
      name: 'Energy',
      key: 'energy',
      maxPoints: 5,
      triggers: [
        { type: 'time', points: 1, timeUnit: 'hours', timeInterval: 4, status: 'active' },
        // A draft: active, it would refuse lessons of users without energy, the seed's own among them.
        { type: 'metric', points: -1, metricId: metrics.get('minutes'), metricThreshold: 30, blockIfOutOfPoints: true },
      ],
    },
  ]);
  const xp: string = systems[0].id;
  await call('POST', `/admin/v1/points/${xp}/boosts`, [{ name: 'Welcome back, Maya', start: dayFromToday(-2), end: dayFromToday(-1), multiplier: 3, rounding: 'up', userId: 'maya' }]);

  const { created: boards } = await call('POST', '/admin/v1/leaderboards', [
    {
      name: 'Weekly lessons',
      key: 'weekly-lessons',
      rankBy: 'metric',
      metricId: metrics.get('lessons'),
      status: 'active',
      start: dayFromToday(-3),
      runUnit: 'day',
      runInterval: 7,
      breakdownAttributes: [attributes.get('city')],
      maxParticipants: 100,
      description: 'Lessons per city, a week at a time, from the day the course opened.',
    },
    { name: 'XP all time', key: 'xp-all-time', rankBy: 'points', pointsSystemId: xp, status: 'scheduled', start: dayFromToday(5) },
    { name: 'Streak legends', key: 'streak-legends', rankBy: 'streak', startTime: '06:00', endTime: '22:00' },
  ]);
  await call('POST', '/v1/metrics/lessons/event', { user: { id: 'maya' }, value: 3, attributes: { source: 'ios-and-android-apps' } });
  await call('POST', '/v1/metrics/lessons/event', { user: { id: longUserId }, value: 5 });
  return { xpSystemId: xp, weeklyBoardId: boards[0].id };
}
