import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { catalog } from '../../../events/catalog.js';
import { EventFeed } from '../../../delivery/event-feed.js';
import { closeListenSession, listenersOf, openListenSession, recordForward, touchListenSession } from '../../../listen/listen-sessions.js';
import { newId } from '../../../store/ids.js';
import type { Schema } from '../../../store/schema.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errors } from '../../../errors.js';
import { bodyErrorResponses, errorResponses } from '../../schemas/common.js';
import { noContent } from '../../schemas/console.js';
import {
  emittedEvent,
  eventIdParam,
  forwardReportBody,
  listenerOutcome,
  listenerParams,
  streamHeaders,
  streamQuery,
  streamResponse,
} from '../../schemas/webhook-events.js';
import { testEventBody } from '../../schemas/webhooks.js';
import { SseResponse } from '../../sse.js';

const tags = ['Webhooks (Laurel extension)'];

/** How often an open stream looks for new events: one small indexed read while someone listens. */
const POLL_MS = 250;
/** A comment this often keeps proxies (and their idle timeouts, often 30-60 s) from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** What an EventSource waits before reconnecting after the stream ends. */
const RETRY_MS = 1_000;

/**
 * The environment's webhook events as they happen, for `laurel listen` and any other client that
 * wants them without a public URL; a sample event emitted into the environment like a real one;
 * and, for streams opened with a listen session, which of them got an event and what their
 * receivers answered (see listen/listen-sessions.ts). Streams end when the server closes, so
 * shutdown never waits on a listener.
 */
export const webhookEventRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock, outbox } = deps;
  const db = backend.db;
  const open = new Set<{ response: SseResponse; ended: Promise<void> }>();

  app.addHook('preClose', async () => {
    for (const stream of open) stream.response.end();
    await Promise.all([...open].map((stream) => stream.ended));
  });

  app.get('/webhook-events/stream', {
    schema: {
      tags,
      summary: "Stream the environment's webhook events",
      description:
        'Server-Sent Events: every webhook event of the environment as it is committed, whether or not a webhook subscribes to its type (test events included). Resume with Last-Event-ID (or ?after=): every event committed since is sent, and events of the 10 s before that id may come again, so deduplicate on the id. With ?session=, the stream is a listen session while it is open, which GET /webhook-events/{id}/listeners reports. What `laurel listen` reads.',
      querystring: streamQuery,
      headers: streamHeaders,
      response: { 200: streamResponse, ...errorResponses },
    },
    handler: async (request, reply) => {
      const after = request.headers['last-event-id'] ?? request.query.after;
      // Opened before the response starts, so a failure is still an ordinary JSON error.
      const feed = await EventFeed.open(db, { environmentId: request.environmentId, types: request.query.types, after }, Date.now());
      // After the feed: a session counts as connected only for events the stream will carry.
      const { session: sessionId, forwardTo, types } = request.query;
      const connectionId = newId();
      if (sessionId) await openListenSession(db, { id: sessionId, environmentId: request.environmentId, forwardTo, types }, connectionId, clock.now());
      reply.hijack();
      const response = new SseResponse(reply.raw, { retryMs: RETRY_MS });
      response.comment('listening');
      // A client that gets no event before the connection drops still resumes from here, not from "now".
      if (after === undefined) response.position(feed.start);
      const keepSession = (write: typeof touchListenSession) =>
        write(db, sessionId!, connectionId, clock.now()).catch((error: unknown) => request.log.error({ err: error }, 'listen session write failed'));
      const heartbeat = setInterval(() => {
        response.comment('heartbeat');
        if (sessionId) void keepSession(touchListenSession);
      }, HEARTBEAT_MS);
      const pumping = pump(feed, response, request.log);
      // Closing the session is part of the stream's end, so a shutdown waits for it while the database is open.
      const stream = {
        response,
        ended: (async () => {
          await response.closed;
          clearInterval(heartbeat);
          await pumping;
          if (sessionId) await keepSession(closeListenSession);
        })(),
      };
      open.add(stream);
      await stream.ended;
      open.delete(stream);
    },
  });

  app.post('/webhook-events/test', {
    schema: {
      tags,
      summary: 'Emit a sample event',
      description:
        'Emits a realistic sample event of the given type into the environment, as the engine would: every enabled webhook subscribed to the type gets a delivery (signed, retried, logged), and every open event stream (laurel listen) receives it.',
      body: testEventBody,
      response: { 202: emittedEvent, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const now = clock.now();
      const type = request.body.type;
      const payload = catalog[type].sample(new Date(now));
      const { eventId, deliveryIds } = await db.transaction().execute((trx) => outbox.emit(trx, { environmentId: request.environmentId, type, payload }, now));
      const deliveries =
        deliveryIds.length === 0
          ? []
          : await db.selectFrom('deliveries').select(['id', 'webhook_id']).where('id', 'in', deliveryIds).orderBy('webhook_id').execute();
      return reply.status(202).send({ eventId, type, deliveries: deliveries.map((d) => ({ id: d.id, webhookId: d.webhook_id })) });
    },
  });

  app.get('/webhook-events/:id/listeners', {
    schema: {
      tags,
      summary: 'The listen sessions of an event',
      description:
        'The listen sessions (event streams opened with ?session=, as `laurel listen` does) that were connected when the event was made and asked for its type, and any other that reported it, oldest first. Each has `forward`: what its local receiver answered, or null until the session reports it. What `laurel trigger` waits on.',
      params: eventIdParam,
      response: { 200: z.array(listenerOutcome), ...errorResponses },
    },
    handler: async (request) => listenersOf(db, request.environmentId, await requireEvent(db, request.environmentId, request.params.id)),
  });

  app.put('/webhook-events/:id/listeners/:session', {
    schema: {
      tags,
      summary: "Report a listen session's forward",
      description:
        "What the session's local receiver answered for the event: `statusCode`, or `error` when there was no HTTP answer (refused, timed out), and `latencyMs`. A second report for the same event replaces the first. `laurel listen` sends one after each forward. 404 for an event or session the environment does not have.",
      params: listenerParams,
      body: forwardReportBody,
      response: { 204: noContent, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const event = await requireEvent(db, request.environmentId, request.params.id);
      const recorded = await recordForward(db, request.environmentId, event.id, request.params.session, request.body, clock.now());
      if (!recorded) throw errors.notFound('Listen session', request.params.session);
      return reply.status(204).send(null);
    },
  });
};

async function requireEvent(db: Kysely<Schema>, environmentId: string, id: string): Promise<{ id: string; type: string; createdAt: number }> {
  const row = await db.selectFrom('events').select(['id', 'type', 'created_at']).where('id', '=', id).where('environment_id', '=', environmentId).executeTakeFirst();
  if (!row) throw errors.notFound('Event', id);
  return { id: row.id, type: row.type, createdAt: row.created_at };
}

/** Reads the feed into the response until it closes; a database error ends the stream, and the client resumes. */
async function pump(feed: EventFeed, response: SseResponse, log: { error(obj: object, msg: string): void }): Promise<void> {
  try {
    while (response.open) {
      // Wall-clock time: the feed's window is measured against the times inside the ids.
      const events = await feed.read(Date.now());
      for (const event of events) {
        if (!response.open) return;
        if (!response.send({ id: event.id, event: event.type, data: event.payload })) await response.drained();
      }
      if (feed.caughtUp) await Promise.race([sleep(POLL_MS), response.closed]);
    }
  } catch (error) {
    if (response.open) log.error({ err: error }, 'event stream read failed; closing the stream');
  } finally {
    response.end();
  }
}
