import type { Kysely } from 'kysely';
import { idFloorAt, idTime } from '../store/ids.js';
import type { Schema } from '../store/schema.js';

/**
 * An environment's webhook events in id order, read from the `events` table for one listener
 * (`GET /admin/v1/webhook-events/stream`, `laurel listen`). The outbox writes an event row for
 * every event, whether or not a webhook subscribes to its type, so the table is the complete
 * record a listener needs; nothing has to be registered for events to be kept.
 *
 * Ids are UUIDv7, so their order is the order they were made, but not the order they became
 * visible: a transaction can commit an id older than one another transaction already committed
 * (PostgreSQL, several processes). A plain `id > cursor` poll would skip such a row for good. So
 * the feed re-reads a **settle window** (ids made in the last SETTLE_MS) on every read and
 * remembers which ids of that window it has already handed out. Below the window a `frontier`
 * id stands for "everything up to here was handed out or is too old to appear now". An event
 * whose transaction commits more than SETTLE_MS after its id was made is missed; Laurel's
 * transactions write their events just before committing, so that takes a stalled database, or
 * clocks of API processes more than SETTLE_MS apart.
 *
 * Resuming after an id replays the settle window before it: events that committed late while
 * the listener was away are not lost, and a few it already had may come again (at least once;
 * listeners deduplicate on the id, which `laurel listen` does).
 */
export const SETTLE_MS = 10_000;
/** Rows read per query; a read returns at most this many events. */
export const FEED_PAGE = 500;

export interface FeedEvent {
  id: string;
  type: string;
  /** The stored body, exactly the bytes webhooks are sent. */
  payload: string;
}

export interface EventFeedOptions {
  environmentId: string;
  /** Only these types; undefined for every type. */
  types?: readonly string[] | undefined;
  /** Resume after this event id; undefined starts with the events committed from now on. */
  after?: string | undefined;
  settleMs?: number;
  pageSize?: number;
}

export class EventFeed {
  /** Every event id at or below this was handed out, or is below the settle window. */
  private frontier: string;
  /** Ids above the frontier already handed out. */
  private readonly handedOut = new Set<string>();
  private readonly settleMs: number;
  private readonly pageSize: number;
  /** False when the last read stopped at a full page: read again at once. */
  caughtUp = true;
  /**
   * Where a feed opened without `after` starts: the newest event already committed then (or the
   * window's floor). Resuming after it gives what came since, and a client that has had no
   * event yet still has a place to resume from.
   */
  start: string;

  private constructor(
    private readonly db: Kysely<Schema>,
    private readonly options: EventFeedOptions,
    frontier: string,
  ) {
    this.frontier = frontier;
    this.start = options.after ?? frontier;
    this.settleMs = options.settleMs ?? SETTLE_MS;
    this.pageSize = options.pageSize ?? FEED_PAGE;
  }

  /**
   * `now` is wall-clock time (Date.now()), not the app's Clock: ids carry the real time they
   * were made at, and the window is measured against them.
   */
  static async open(db: Kysely<Schema>, options: EventFeedOptions, now: number): Promise<EventFeed> {
    const settleMs = options.settleMs ?? SETTLE_MS;
    if (options.after !== undefined) {
      const feed = new EventFeed(db, options, idFloorAt(Math.min(idTime(options.after), now) - settleMs));
      feed.handedOut.add(options.after);
      return feed;
    }
    // From now on: what is already in the window counts as handed out, so only rows that commit
    // later come out, including late commits with slightly older ids.
    const feed = new EventFeed(db, options, idFloorAt(now - settleMs));
    do await feed.read(now);
    while (!feed.caughtUp);
    for (const id of feed.handedOut) if (id > feed.start) feed.start = id;
    return feed;
  }

  /** The next events in id order, at most one page; `caughtUp` says whether more are waiting. */
  async read(now: number): Promise<FeedEvent[]> {
    const floor = idFloorAt(now - this.settleMs);
    const out: FeedEvent[] = [];
    let from = this.frontier;
    let complete = true;
    for (;;) {
      const rows = await this.idsAfter(from);
      const fresh = rows.filter((row) => !this.handedOut.has(row.id));
      const payloads = await this.payloadsOf(fresh.map((row) => row.id));
      for (const row of fresh) {
        const payload = payloads.get(row.id);
        // Gone between the two reads (retention): nothing to hand out.
        if (payload !== undefined) out.push({ id: row.id, type: row.type, payload });
        this.handedOut.add(row.id);
      }
      if (rows.length < this.pageSize) break;
      from = rows.at(-1)!.id;
      if (out.length > 0) {
        complete = false;
        break;
      }
    }
    this.caughtUp = complete;
    // Everything up to `from` was read, and everything below `floor` has settled.
    const reached = complete ? floor : from < floor ? from : floor;
    if (reached > this.frontier) {
      this.frontier = reached;
      for (const id of this.handedOut) if (id <= reached) this.handedOut.delete(id);
    }
    return out;
  }

  private async idsAfter(from: string): Promise<{ id: string; type: string }[]> {
    let query = this.db
      .selectFrom('events')
      .select(['id', 'type'])
      .where('id', '>', from)
      .where('environment_id', '=', this.options.environmentId);
    if (this.options.types) query = query.where('type', 'in', this.options.types);
    return query.orderBy('id').limit(this.pageSize).execute();
  }

  private async payloadsOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('events').select(['id', 'payload']).where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id, row.payload]));
  }
}
