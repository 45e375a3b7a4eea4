import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The real server, started in-process as its own tests do.
import { systemClock } from '../../../packages/server/src/clock.js';
import { recordAttempts, type AttemptLog } from '../../../packages/server/test/support/attempts.js';
import { startTestLaurel, type TestLaurel } from '../../../packages/server/test/support/laurel.js';

/** A real Laurel (API, worker, SQLite in a temp dir) on the real clock, recording every attempt. */
export interface Laurel extends TestLaurel, AttemptLog {
  stop(): Promise<void>;
}

export async function startLaurel(): Promise<Laurel> {
  const dir = await mkdtemp(join(tmpdir(), 'laurel-examples-'));
  const laurel = await startTestLaurel({ databaseUrl: `sqlite:${join(dir, 'laurel.db')}`, clock: systemClock });
  return {
    ...laurel,
    ...recordAttempts(laurel.worker!),
    async stop() {
      await laurel.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A webhook in the development environment; answers its id and its signing secret. */
export async function createWebhook(laurel: Laurel, url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const created = await laurel.api('POST', '/admin/v1/webhooks', { body: [{ name: 'example', url, events }] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { id: created.body.created[0].id, secret: created.body.created[0].secret };
}

/** The README's five-minute set-up: a metric `lessons` and an active achievement for one lesson. */
export async function createFirstLessonAchievement(laurel: Laurel): Promise<void> {
  const metric = await laurel.api('POST', '/admin/v1/metrics', { body: [{ name: 'Lessons', key: 'lessons' }] });
  assert.equal(metric.status, 201, JSON.stringify(metric.body));
  const achievement = await laurel.api('POST', '/admin/v1/achievements', {
    body: [{ name: 'First lesson', key: 'first-lesson', trigger: 'metric', metricKey: 'lessons', metricValue: 1, status: 'active' }],
  });
  assert.equal(achievement.status, 201, JSON.stringify(achievement.body));
}

/** The metric event an app sends when a user finishes a lesson; answers the event's response. */
export async function sendLesson(laurel: Laurel, userId: string): Promise<{ achievements: { key: string }[] }> {
  const sent = await laurel.api('POST', '/v1/metrics/lessons/event', { body: { user: { id: userId }, value: 1 } });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  return sent.body;
}

/** The newest delivery of `type` to a webhook (the engine queues it in the event's transaction). */
export async function deliveryOf(laurel: Laurel, webhookId: string, type: string): Promise<string> {
  const list = await laurel.api('GET', `/admin/v1/webhooks/${webhookId}/deliveries?eventType=${type}`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.ok(list.body.length > 0, `no ${type} delivery for webhook ${webhookId}`);
  return list.body[0].id;
}
