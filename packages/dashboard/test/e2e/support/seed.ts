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
  await call('PUT', '/v1/users/maya', { name: 'Maya', email: 'maya@example.com', tz: 'Europe/London', attributes: { plan: 'premium-annual' } });
  await call('POST', '/v1/metrics/lessons/event', { user: { id: longUserId, attributes: { plan: 'free' } }, value: 10 });
  await call('POST', '/v1/metrics/lessons/event', { user: { id: 'maya' }, value: 3 });
  await call('POST', '/v1/metrics/minutes/event', { user: { id: 'maya' }, value: 25, attributes: { source: 'ios-and-android-apps' } });
  await call('POST', `/admin/v1/webhooks/${webhookId}/test`, { type: 'points.changed' });
  await receiver.waitFor((delivery) => delivery.body.includes('"points.changed"'));
  await receiver.waitFor((delivery) => delivery.body.includes('"achievement.completed"'));

  await call('POST', '/console/v1/members', { email: 'teammate-with-a-long-address@example-company.co.uk' });
  await call('POST', '/console/v1/environments', { name: 'staging', kind: 'staging' });
  return { webhookId, webhookUrl, longUserId };
}
