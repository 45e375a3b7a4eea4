import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { v7 } from 'uuid';
import { systemClock } from '../../src/clock.js';
import { SseParser, type SseEvent } from '../../src/cli/sse-parser.js';
import { SETTLE_MS } from '../../src/delivery/event-feed.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { idTime } from '../../src/store/ids.js';
import { setUpOwner } from '../console/console.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { assertError } from '../support/assert-error.js';
import { createWebhook } from '../support/webhooks.js';

const STREAM = '/admin/v1/webhook-events/stream';

async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An open stream over a real socket, collecting what it receives. */
interface OpenStream {
  status: number;
  contentType: string | null;
  events: SseEvent[];
  comments: string[];
  /** Ids sent without an event (the start position). */
  positions: string[];
  waitFor(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  waitForIds(ids: string[], timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  close(): void;
}

forEachBackend('webhook event stream', (database) => {
  let laurel: TestLaurel;
  let base: string;
  let receiver: Receiver;
  const streams: OpenStream[] = [];

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock: systemClock });
    base = await laurel.app.listen({ port: 0, host: '127.0.0.1' });
    receiver = await startReceiver();
  });
  after(async () => {
    for (const stream of streams) stream.close();
    await laurel.close();
    await receiver.close();
  });

  async function openStream(query = '', headers: Record<string, string> = {}, key: string | null = laurel.keys.development): Promise<OpenStream> {
    const controller = new AbortController();
    const response = await fetch(`${base}${STREAM}${query}`, { headers: { ...(key ? { 'x-api-key': key } : {}), ...headers }, signal: controller.signal });
    const events: SseEvent[] = [];
    const comments: string[] = [];
    const positions: string[] = [];
    const waiters = new Set<() => void>();
    const until = (done: () => boolean, what: string, timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!done()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`stream did not get ${what} within ${timeoutMs} ms (got ${events.length} events)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    const parser = new SseParser({
      onEvent: (event) => {
        events.push(event);
        for (const check of [...waiters]) check();
      },
      onComment: (text) => comments.push(text),
      onPosition: (id) => positions.push(id),
    });
    const ended = (async () => {
      if (!response.body) return;
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body) parser.push(decoder.decode(chunk as Uint8Array, { stream: true }));
      } catch {}
    })();
    const stream: OpenStream = {
      status: response.status,
      contentType: response.headers.get('content-type'),
      events,
      comments,
      positions,
      ended,
      close: () => controller.abort(),
      waitFor: (count, timeoutMs) => until(() => events.length >= count, `${count} events`, timeoutMs).then(() => events.slice(0, count)),
      waitForIds: (ids, timeoutMs) => until(() => ids.every((id) => events.some((e) => e.id === id)), `events ${ids.join(', ')}`, timeoutMs),
    };
    streams.push(stream);
    // The feed opens before the response starts, so once the headers are here, later events are in.
    return stream;
  }

  const emit = async (type: string, key = laurel.keys.development) => {
    const response = await laurel.api('POST', '/admin/v1/webhook-events/test', { body: { type }, key });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body as { eventId: string; type: string; deliveries: { id: string; webhookId: string }[] };
  };

  test('needs an API key, and refuses bad types and cursors before streaming', async () => {
    const anonymous = await laurel.api('GET', STREAM, { key: null });
    assertError(anonymous, 401);
    assertError(await laurel.api('GET', `${STREAM}?types=user.created`), 422, /user\.created/);
    assertError(await laurel.api('GET', `${STREAM}?after=42`), 422, /event id/);
    assertError(await laurel.api('GET', STREAM, { headers: { 'last-event-id': 'nope' } }), 422, /event id/);
  });

  test("a dashboard session streams the environment named in X-Laurel-Environment", async () => {
    const owner = await setUpOwner(laurel);
    const stream = await openStream('', { cookie: owner.cookie, 'x-laurel-environment': 'production' }, null);
    assert.equal(stream.status, 200);
    await emit('streak.lost');
    const own = await emit('streak.extended', laurel.keys.production);
    const [event] = await stream.waitFor(1);
    assert.equal(event!.id, own.eventId);
    stream.close();
  });

  test('streams the exact body of each new event with its id and type, including events no webhook subscribes to', async () => {
    const stream = await openStream();
    assert.equal(stream.status, 200);
    assert.match(stream.contentType ?? '', /^text\/event-stream/);
    const first = await emit('streak.lost');
    const second = await emit('achievement.completed');
    assert.deepEqual(first.deliveries, [], 'no webhook subscribes');
    const [a, b] = await stream.waitFor(2);
    assert.equal(a!.id, first.eventId);
    assert.equal(a!.event, 'streak.lost');
    assert.equal(b!.id, second.eventId);
    const stored = await laurel.backend.db.selectFrom('events').select(['id', 'payload']).where('id', '=', first.eventId).executeTakeFirstOrThrow();
    assert.equal(a!.data, stored.payload, 'the data is the stored body, byte for byte');
    assert.equal(JSON.parse(a!.data).type, 'streak.lost');
    assert.ok(stream.comments.includes('listening'));
  });

  test('emitting a sample reaches subscribed webhooks through the outbox and the stream alike', async () => {
    const hook = await createWebhook(laurel, { url: receiver.url, events: ['points.changed'] });
    receiver.secrets = [hook.secret];
    await createWebhook(laurel, { url: receiver.url, events: ['streak.lost'] });
    const stream = await openStream();
    const emitted = await emit('points.changed');
    assert.deepEqual(emitted.deliveries.map((d) => d.webhookId), [hook.id]);
    const [delivered] = await receiver.waitFor(1);
    const [streamed] = await stream.waitFor(1);
    assert.equal(delivered!.body, streamed!.data, 'the webhook and the stream get the same bytes');
    assert.ok(delivered!.trophyVerified && delivered!.standardVerified);
    assert.equal(delivered!.headers['webhook-id'], emitted.deliveries[0]!.id);
  });

  test('a key sees only its own environment', async () => {
    const stream = await openStream();
    await emit('streak.lost', laurel.keys.production);
    const own = await emit('streak.extended');
    const [event] = await stream.waitFor(1);
    assert.equal(event!.id, own.eventId);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(stream.events.length, 1, 'the production event never arrives');
  });

  test('?types= keeps only those types', async () => {
    const stream = await openStream('?types=streak.lost,streak.extended');
    await emit('achievement.completed');
    const lost = await emit('streak.lost');
    await emit('points.changed');
    const extended = await emit('streak.extended');
    const events = await stream.waitFor(2);
    assert.deepEqual(events.map((e) => e.id), [lost.eventId, extended.eventId]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(stream.events.length, 2);
  });

  test('resuming with Last-Event-ID or ?after= sends every event committed since, in order', async () => {
    const seen = await emit('streak.started');
    const missed = [await emit('streak.lost'), await emit('streak.extended'), await emit('achievement.completed')];
    const resumes: { query: string; headers: Record<string, string> }[] = [
      { query: '', headers: { 'last-event-id': seen.eventId } },
      { query: `?after=${seen.eventId}`, headers: {} },
    ];
    for (const resume of resumes) {
      const stream = await openStream(resume.query, resume.headers);
      await stream.waitForIds(missed.map((m) => m.eventId));
      const ids = stream.events.map((e) => e.id);
      assert.deepEqual(ids.slice(-3), missed.map((m) => m.eventId), 'the missed events come last, in order');
      assert.deepEqual(ids, [...ids].sort(), 'in id order');
      assert.ok(!ids.includes(seen.eventId), 'the id resumed after is not sent again');
      // Earlier events of the settle window may come again (at least once), but nothing older.
      assert.ok(ids.every((id) => idTime(id) >= idTime(seen.eventId) - SETTLE_MS));
    }
  });

  test('a stream opened without a cursor starts with its position, so a client with no event yet can resume from it', async () => {
    const before = await emit('streak.started');
    const stream = await openStream();
    await until(() => stream.positions.length === 1);
    const [start] = stream.positions;
    assert.ok(start! >= before.eventId, 'the start is at or after what was committed before');
    stream.close();
    const meanwhile = [await emit('streak.lost'), await emit('streak.extended')];
    const resumed = await openStream('', { 'last-event-id': start! });
    await resumed.waitForIds(meanwhile.map((m) => m.eventId));
    assert.deepEqual(resumed.positions, [], 'a resumed stream needs no position');
  });

  test('a row that commits late with an older id, within the settle window, still comes out once', async () => {
    const stream = await openStream();
    const newer = await emit('streak.lost');
    await stream.waitFor(1);
    // A transaction elsewhere made its id before `newer` but commits only now.
    const development = await findEnvironmentByName(laurel.backend.db, 'development');
    const lateId = v7({ msecs: Date.now() - 2_000 });
    assert.ok(lateId < newer.eventId);
    await laurel.backend.db
      .insertInto('events')
      .values({ id: lateId, environment_id: development!.id, type: 'streak.extended', payload: '{"type":"streak.extended"}', created_at: Date.now() })
      .execute();
    const [, late] = await stream.waitFor(2);
    assert.equal(late!.id, lateId);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(stream.events.length, 2, 'each event once');
  });

  test('a backlog longer than a page is sent whole, in order, when resuming after an old id', async () => {
    const development = await findEnvironmentByName(laurel.backend.db, 'development');
    const start = Date.now() - 3_600_000;
    const backlog = Array.from({ length: 1_234 }, (_, i) => ({
      id: v7({ msecs: start + i }),
      environment_id: development!.id,
      type: 'points.changed',
      payload: JSON.stringify({ type: 'points.changed', n: i }),
      created_at: start + i,
    }));
    for (let i = 0; i < backlog.length; i += 300) await laurel.backend.db.insertInto('events').values(backlog.slice(i, i + 300)).execute();
    const stream = await openStream(`?types=points.changed&after=${v7({ msecs: start - 60_000 })}`);
    await stream.waitForIds([backlog.at(-1)!.id]);
    const ids = stream.events.map((e) => e.id);
    assert.deepEqual(ids.slice(0, backlog.length), backlog.map((row) => row.id));
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
  });

  test('closing the server ends open streams instead of waiting for them', async () => {
    const other = await startTestLaurel({ databaseUrl: database().url, clock: systemClock, roles: ['api'] });
    const otherBase = await other.app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${otherBase}${STREAM}`, { headers: { 'x-api-key': other.keys.development } });
    assert.equal(response.status, 200);
    const reading = (async () => {
      for await (const _ of response.body!);
    })();
    const started = Date.now();
    await other.close();
    await reading;
    assert.ok(Date.now() - started < 2_000, `closed in ${Date.now() - started} ms`);
  });
});
