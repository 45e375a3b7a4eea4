import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';

const STREAM = '/admin/v1/webhook-events/stream';
const listeners = (eventId: string) => `/admin/v1/webhook-events/${eventId}/listeners`;

/**
 * Listen sessions: event streams opened with ?session= (as `laurel listen` does) are named as
 * destinations of the events they carry, with what their receivers answered as the client
 * reports it. Streams over a real socket; reports and reads through the API.
 */
forEachBackend('listen sessions', (database) => {
  let laurel: TestLaurel;
  let base: string;
  const open = new Set<AbortController>();

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock: systemClock, roles: ['api'] });
    base = await laurel.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    for (const controller of open) controller.abort();
    await laurel.close();
  });

  /** Opens a stream and reads it in the background; answers once the server has registered it. */
  async function openStream(query: string, key = laurel.keys.development): Promise<() => void> {
    const controller = new AbortController();
    const response = await fetch(`${base}${STREAM}${query}`, { headers: { 'x-api-key': key }, signal: controller.signal });
    assert.equal(response.status, 200);
    open.add(controller);
    void (async () => {
      try {
        for await (const _chunk of response.body!) {
          // Read and dropped: the stream's own tests look at what it carries.
        }
      } catch {}
    })();
    return () => {
      controller.abort();
      open.delete(controller);
    };
  }

  const emit = async (type = 'achievement.completed', key = laurel.keys.development): Promise<string> => {
    const response = await laurel.api('POST', '/admin/v1/webhook-events/test', { body: { type }, key });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body.eventId;
  };

  const forwardCount = async () => (await laurel.backend.db.selectFrom('listen_forwards').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

  test('a stream opened with a session is a destination of its events, with what the client reports, until it closes', async () => {
    const session = randomUUID();
    const close = await openStream(`?session=${session}&forwardTo=${encodeURIComponent('http://localhost:3000/webhooks')}`);
    const anonymous = await openStream('');
    const filtered = await openStream(`?session=${randomUUID()}&types=streak.lost`);

    const eventId = await emit();
    const waiting = await laurel.api('GET', listeners(eventId));
    assert.equal(waiting.status, 200);
    assert.deepEqual(waiting.body, [{ session, forwardTo: 'http://localhost:3000/webhooks', forward: null }], 'neither the stream without a session nor the one for other types');

    const report = await laurel.api('PUT', `${listeners(eventId)}/${session}`, { body: { statusCode: 401, error: null, latencyMs: 3.4 } });
    assert.equal(report.status, 204, JSON.stringify(report.body));
    const again = await laurel.api('PUT', `${listeners(eventId)}/${session}`, { body: { statusCode: null, error: 'connection: connection refused', latencyMs: 1 } });
    assert.equal(again.status, 204);
    const reported = await laurel.api('GET', listeners(eventId));
    assert.equal(reported.body.length, 1);
    assert.deepEqual({ ...reported.body[0].forward, reported: undefined }, { statusCode: null, error: 'connection: connection refused', latencyMs: 1, reported: undefined }, 'the later report replaces the first');
    assert.ok(Math.abs(Date.parse(reported.body[0].forward.reported) - Date.now()) < 10_000);

    close();
    anonymous();
    filtered();
    // The server notices the closed connection a moment later; events made after it have no listener.
    const deadline = Date.now() + 5_000;
    for (;;) {
      const later = await laurel.api('GET', listeners(await emit()));
      if (later.body.length === 0) break;
      assert.ok(Date.now() < deadline, `the closed session is still listed: ${JSON.stringify(later.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal((await laurel.api('GET', listeners(eventId))).body.length, 1, 'an event made while it was open keeps its report');
  });

  test('a reconnect continues the session: the older connection ending late does not end it', async () => {
    const session = randomUUID();
    const closeOld = await openStream(`?session=${session}`);
    const closeNew = await openStream(`?session=${session}`);
    closeOld();
    // Give the server time to see the old connection go, then check the session is still there.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual((await laurel.api('GET', listeners(await emit()))).body.map((l: { session: string }) => l.session), [session]);
    closeNew();
    const deadline = Date.now() + 5_000;
    while ((await laurel.api('GET', listeners(await emit()))).body.length > 0) {
      assert.ok(Date.now() < deadline, 'the session outlived its last connection');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  test('a session that reports an event it was not connected for (it resumed) is listed too', async () => {
    const eventId = await emit('streak.extended');
    const session = randomUUID();
    const close = await openStream(`?session=${session}`);
    assert.deepEqual((await laurel.api('GET', listeners(eventId))).body, []);
    assert.equal((await laurel.api('PUT', `${listeners(eventId)}/${session}`, { body: { statusCode: 200, error: null, latencyMs: 2 } })).status, 204);
    const listed = await laurel.api('GET', listeners(eventId));
    assert.deepEqual(listed.body.map((l: { session: string; forwardTo: string | null; forward: { statusCode: number } | null }) => [l.session, l.forwardTo, l.forward?.statusCode]), [[session, null, 200]]);
    close();
  });

  test('bad reports are refused and write nothing; other environments see neither the events nor the sessions', async () => {
    const session = randomUUID();
    const close = await openStream(`?session=${session}`);
    const eventId = await emit();
    const before = await forwardCount();
    const put = (path: string, body: unknown, key?: string) => laurel.api('PUT', path, { body, ...(key ? { key } : {}) });
    const ok = { statusCode: 200, error: null, latencyMs: 1 };

    assertError(await put(`${listeners(randomUUID())}/${session}`, ok), 404, /^Event not found: /);
    assertError(await put(`${listeners(eventId)}/${randomUUID()}`, ok), 404, /^Listen session not found: /);
    assertError(await put(`${listeners(eventId)}/${session}`, { statusCode: 200, error: 'both', latencyMs: 1 }), 422, /either statusCode .* or error/);
    assertError(await put(`${listeners(eventId)}/${session}`, { statusCode: null, error: null, latencyMs: 1 }), 422, /either statusCode .* or error/);
    assertError(await put(`${listeners(eventId)}/${session}`, { statusCode: 42, error: null, latencyMs: 1 }), 422, /body\.statusCode/);
    assertError(await put(`${listeners(eventId)}/${session}`, { ...ok, status: 200 }), 422, /status/);
    assertError(await put(`${listeners(eventId)}/${session}`, ok, laurel.keys.production), 404, /^Event not found: /);
    assertError(await laurel.api('GET', listeners(eventId), { key: laurel.keys.production }), 404, /^Event not found: /);
    assertError(await laurel.api('GET', listeners(eventId), { key: null }), 401);
    assertError(await laurel.api('GET', `${STREAM}?session=not-a-uuid`), 422, /session: must be a UUID/);
    assert.equal(await forwardCount(), before);

    // A production stream is not a destination of development events, and cannot report them.
    const productionSession = randomUUID();
    const closeProduction = await openStream(`?session=${productionSession}`, laurel.keys.production);
    const developmentEvent = await emit();
    assert.deepEqual((await laurel.api('GET', listeners(developmentEvent))).body.map((l: { session: string }) => l.session), [session]);
    assertError(await put(`${listeners(developmentEvent)}/${productionSession}`, ok), 404, /^Listen session not found: /);
    close();
    closeProduction();
  });
});
