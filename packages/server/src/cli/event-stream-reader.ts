import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { refusal, type AdminClient } from './admin-client.js';
import { CliError } from './cli-error.js';
import { SseParser, type SseEvent } from './sse-parser.js';

/**
 * Reads `GET /admin/v1/webhook-events/stream` for as long as it is wanted, across server
 * restarts and network failures: after a lost connection it reconnects with backoff and sends
 * `Last-Event-ID`, so the server replays what was committed meanwhile. Events already yielded
 * are not yielded again (the server may replay a few; see delivery/event-feed.ts).
 *
 * Answers that retrying cannot fix (401, 404, 422) end it with a CliError.
 */
export interface StreamReaderOptions {
  client: AdminClient;
  types?: readonly string[] | undefined;
  /** A listen session to open the stream as, so the server counts it as a destination (see listen/listen-sessions.ts). */
  session?: { id: string; forwardTo: string } | undefined;
  signal: AbortSignal;
  onOpen(info: { resumedAfter: string | undefined }): void;
  onLost(info: { reason: string; retryInMs: number }): void;
}

/** The server comments every 15 s; this long without a byte means the connection is dead. */
const IDLE_TIMEOUT_MS = 45_000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5_000;
/** Ids remembered to drop replays; a replay covers seconds of events, so this is plenty. */
const REMEMBERED_IDS = 10_000;

export async function* readEventStream(options: StreamReaderOptions): AsyncGenerator<SseEvent> {
  const { client, signal } = options;
  const query = new URLSearchParams();
  if (options.types && options.types.length > 0) query.set('types', options.types.join(','));
  if (options.session) {
    query.set('session', options.session.id);
    query.set('forwardTo', options.session.forwardTo);
  }
  const url = `${client.server}/admin/v1/webhook-events/stream${query.size > 0 ? `?${query}` : ''}`;
  const seen = new RecentIds(REMEMBERED_IDS);
  let lastId: string | undefined;
  /** The stream's start (an id-only message on the first connection): nothing before it is wanted. */
  let startedAfter: string | undefined;
  let failures = 0;
  while (!signal.aborted) {
    let reason: string;
    try {
      const response = await request(url, {
        method: 'GET',
        headers: { 'x-api-key': client.apiKey, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
        signal,
        headersTimeout: IDLE_TIMEOUT_MS,
        bodyTimeout: IDLE_TIMEOUT_MS,
      });
      if (response.statusCode !== 200) {
        const text = await response.body.text();
        const message = refusal(response.statusCode, safeJson(text), text, client.unauthorizedHint);
        if (response.statusCode === 404) throw new CliError(`${client.server} has no event stream (HTTP 404): is it Laurel, and recent enough?`);
        if ([401, 403, 422].includes(response.statusCode)) throw new CliError(message);
        throw new Error(message);
      }
      options.onOpen({ resumedAfter: lastId });
      failures = 0;
      const pending: SseEvent[] = [];
      const fresh = lastId === undefined;
      const parser = new SseParser({
        onEvent: (event) => pending.push(event),
        onPosition: (id) => {
          if (fresh && startedAfter === undefined) startedAfter = id;
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        parser.push(decoder.decode(chunk as Buffer, { stream: true }));
        while (pending.length > 0) {
          const event = pending.shift()!;
          // A replay after reconnecting can reach back before the start, and repeat what came already.
          if (startedAfter !== undefined && event.id <= startedAfter) continue;
          if (event.id && !seen.add(event.id)) continue;
          yield event;
        }
        if (parser.lastEventId) lastId = parser.lastEventId;
      }
      reason = 'the server ended the stream';
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof CliError) throw error;
      reason = describe(error);
    }
    failures += 1;
    const retryInMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
    options.onLost({ reason, retryInMs });
    await sleep(retryInMs, undefined, { signal }).catch(() => {});
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return `no data for ${IDLE_TIMEOUT_MS / 1000} s`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'ENOTFOUND') return 'unknown host';
  return (error as Error).message ?? String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A set that forgets its oldest ids past `limit`. `add` answers false for an id already in it. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly limit: number) {}

  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
