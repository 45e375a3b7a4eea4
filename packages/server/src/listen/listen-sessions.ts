import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';

/**
 * The `laurel listen` runs connected to an environment's event stream, so that `laurel trigger`
 * can name every destination of an event, not only the webhooks. A session is the CLI's run: it
 * makes the id and sends it on every connection, so a reconnect (to this process or another)
 * continues the same session. Rows live in the database because the stream and the trigger may
 * be served by different API processes.
 */
export interface ListenSession {
  id: string;
  environmentId: string;
  forwardTo: string | undefined;
  types: readonly string[] | undefined;
}

/** A session counts as connected while its connection refreshes it; the stream does so with each 15 s heartbeat. */
export const SESSION_LIVENESS_MS = 45_000;
/** Sessions gone for this long are deleted with their forwards when another session opens. */
const SESSION_RETENTION_MS = 24 * 3_600_000;
/** Forward reports are read by `laurel trigger`, which waits at most 10 minutes. */
const FORWARD_RETENTION_MS = 3_600_000;

/** Starts (or, on a reconnect, continues) a session on this connection. */
export async function openListenSession(db: Kysely<Schema>, session: ListenSession, connectionId: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const gone = trx.selectFrom('listen_sessions').select('id').where('environment_id', '=', session.environmentId).where('seen_at', '<', now - SESSION_RETENTION_MS);
    await trx.deleteFrom('listen_forwards').where('session_id', 'in', gone).execute();
    await trx.deleteFrom('listen_sessions').where('environment_id', '=', session.environmentId).where('seen_at', '<', now - SESSION_RETENTION_MS).execute();
    const fields = {
      connection_id: connectionId,
      forward_to: session.forwardTo ?? null,
      types: session.types ? JSON.stringify(session.types) : null,
      seen_at: now,
      closed_at: null,
    };
    await trx
      .insertInto('listen_sessions')
      .values({ id: session.id, environment_id: session.environmentId, first_connected_at: now, ...fields })
      // An id taken in another environment stays there: this connection then streams without a session.
      .onConflict((conflict) => conflict.column('id').doUpdateSet(fields).where('listen_sessions.environment_id', '=', session.environmentId))
      .execute();
  });
}

/** The connection is still there: the session stays connected, and its old forward reports go. */
export async function touchListenSession(db: Kysely<Schema>, sessionId: string, connectionId: string, now: number): Promise<void> {
  await db.updateTable('listen_sessions').set({ seen_at: now }).where('id', '=', sessionId).where('connection_id', '=', connectionId).execute();
  await db.deleteFrom('listen_forwards').where('session_id', '=', sessionId).where('reported_at', '<', now - FORWARD_RETENTION_MS).execute();
}

/** The connection ended. A newer connection of the same session (a reconnect elsewhere) keeps it open. */
export async function closeListenSession(db: Kysely<Schema>, sessionId: string, connectionId: string, now: number): Promise<void> {
  await db.updateTable('listen_sessions').set({ closed_at: now, seen_at: now }).where('id', '=', sessionId).where('connection_id', '=', connectionId).execute();
}

export interface ForwardReport {
  /** What the local receiver answered; null when it gave no HTTP answer (see error). */
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
}

/** What one `laurel listen` did with one event; `forward` is null until the CLI reports it. */
export interface ListenerOutcome {
  session: string;
  forwardTo: string | null;
  forward: (ForwardReport & { reported: string }) | null;
}

/** Records what a session's receiver answered for an event; false when the session is not one of the environment's. */
export async function recordForward(db: Kysely<Schema>, environmentId: string, eventId: string, sessionId: string, report: ForwardReport, now: number): Promise<boolean> {
  const session = await db.selectFrom('listen_sessions').select('id').where('id', '=', sessionId).where('environment_id', '=', environmentId).executeTakeFirst();
  if (!session) return false;
  const fields = { status_code: report.statusCode, error: report.error, latency_ms: Math.round(report.latencyMs), reported_at: now };
  await db
    .insertInto('listen_forwards')
    .values({ event_id: eventId, session_id: sessionId, ...fields })
    .onConflict((conflict) => conflict.columns(['event_id', 'session_id']).doUpdateSet(fields))
    .execute();
  return true;
}

/**
 * The sessions that should get an event (connected when it was made, asking for its type) and
 * any other that reported it (one that connected just after, or resumed), oldest first, each
 * with its report so far.
 */
export async function listenersOf(db: Kysely<Schema>, environmentId: string, event: { id: string; type: string; createdAt: number }): Promise<ListenerOutcome[]> {
  const connected = await db
    .selectFrom('listen_sessions')
    .select(['id', 'forward_to', 'types', 'first_connected_at'])
    .where('environment_id', '=', environmentId)
    .where('first_connected_at', '<=', event.createdAt)
    .where('seen_at', '>=', event.createdAt - SESSION_LIVENESS_MS)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', event.createdAt)]))
    .execute();
  const expected = connected.filter((row) => row.types === null || (JSON.parse(row.types) as string[]).includes(event.type));
  const reported = await db
    .selectFrom('listen_forwards')
    .innerJoin('listen_sessions', 'listen_sessions.id', 'listen_forwards.session_id')
    .select(['listen_sessions.id', 'listen_sessions.forward_to', 'listen_sessions.first_connected_at', 'status_code', 'error', 'latency_ms', 'reported_at'])
    .where('listen_forwards.event_id', '=', event.id)
    .where('listen_sessions.environment_id', '=', environmentId)
    .execute();
  const outcomes = new Map<string, ListenerOutcome & { since: number }>();
  for (const row of expected) outcomes.set(row.id, { session: row.id, forwardTo: row.forward_to, forward: null, since: row.first_connected_at });
  for (const row of reported) {
    outcomes.set(row.id, {
      session: row.id,
      forwardTo: row.forward_to,
      since: row.first_connected_at,
      forward: { statusCode: row.status_code, error: row.error, latencyMs: row.latency_ms, reported: new Date(row.reported_at).toISOString() },
    });
  }
  return [...outcomes.values()].sort((a, b) => a.since - b.since || a.session.localeCompare(b.session)).map(({ since: _since, ...outcome }) => outcome);
}
