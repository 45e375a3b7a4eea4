/**
 * One set of fixtures for every suite: builders for an environment with its admin key, metrics,
 * attributes, users, points systems (with triggers, levels and boosts) and leaderboards. Each goes
 * through Laurel's own APIs as a client would (the Admin API for configuration, the Application
 * API for users and metric events), asserts the answer and returns what the API answered, so a
 * fixture can never build a state the API would refuse. A test that needs a state no API can make
 * (a streak many days long, say) writes it with a store call and says why. Calls go through `inject` for a
 * TestLaurel, or over HTTP for a server on a socket (the SDK suites). Points, rankings and history
 * come from metric events through the real write path (`event`), never from rows written by hand.
 */
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { createApiKey } from '../../src/environments/api-keys.js';
import { createEnvironment, findEnvironmentByName } from '../../src/environments/environments.js';
import type { Schema } from '../../src/store/schema.js';
import type { TestLaurel } from './laurel.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One API call with an admin key: the status and the parsed body. */
export type Caller = (method: Method, path: string, options: { key: string; body?: unknown; headers?: Record<string, string> }) => Promise<{ status: number; body: any }>;

/** Requests through Fastify's inject (no socket). */
export function injectCaller(laurel: TestLaurel): Caller {
  return (method, path, { key, body, headers }) => laurel.api(method, path, { key, body, ...(headers ? { headers } : {}) });
}

/** Requests over HTTP to a server at `baseUrl` (http://127.0.0.1:PORT). */
export function httpCaller(baseUrl: string): Caller {
  return async (method, path, { key, body, headers }) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...headers, 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: response.status, body: parsed };
  };
}

/** The Admin API collections the suites call. */
export const ACHIEVEMENTS = '/admin/v1/achievements';
export const LEADERBOARDS = '/admin/v1/leaderboards';
export const POINTS = '/admin/v1/points';
/** A well-formed id that names nothing. */
export const UNKNOWN_ID = '3b241101-e2bb-4255-8caf-4136c566a962';

export interface FixtureEnvironment {
  id: string;
  name: string;
  /** An admin key of this environment. */
  key: string;
}

let sequence = 0;
/** A unique key or id with a readable prefix: the suites of a file share one database. */
export const unique = (prefix: string): string => `${prefix}-${process.pid}-${++sequence}`;

/** A new environment with an admin key (environments are the dashboard's and the CLI's to make, not the Admin API's). */
export async function createFixtureEnvironment(db: Kysely<Schema>, now: number, name = unique('env')): Promise<FixtureEnvironment> {
  const environment = await createEnvironment(db, name, now);
  assert.ok(environment, `environment ${name} already exists`);
  return { id: environment.id, name, key: (await createApiKey(db, environment.id, `test-${name}`, now)).key };
}

export interface UserInput {
  id?: string;
  name?: string | null;
  tz?: string | null;
  attributes?: Record<string, string>;
}

/** What a metric event answered (Trophy's EventResponse) with its status (201, or 202 for a replay). */
export interface EventAnswer {
  status: number;
  body: any;
}

/**
 * The builders of one environment. It stands for the environment too (`id`, `key`), so a test can
 * pass it where an environment is expected.
 */
export class Fixtures {
  constructor(
    readonly call: Caller,
    readonly env: FixtureEnvironment,
  ) {}

  get id(): string {
    return this.env.id;
  }

  get key(): string {
    return this.env.key;
  }

  /** A request with this environment's key. */
  request(method: Method, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return this.call(method, path, { key: this.env.key, body });
  }

  async metric(input: { key?: string; name?: string } = {}): Promise<{ id: string; key: string; name: string }> {
    const key = input.key ?? unique('metric');
    return (await this.created('/admin/v1/metrics', [{ name: input.name ?? `Metric ${key}`, key }]))[0];
  }

  async attribute(key: string, type: 'user' | 'event' = 'user'): Promise<{ id: string; key: string }> {
    return (await this.created('/admin/v1/attributes', [{ name: key, key, type }]))[0];
  }

  /** An achievement (Trophy's CreateAchievementRequestItem); an active `api` achievement unless given. */
  async achievement(input: Record<string, unknown> = {}): Promise<any> {
    const key = (input['key'] as string | undefined) ?? unique('achievement');
    return (await this.achievements([{ name: `Achievement ${key}`, trigger: 'api', status: 'active', ...input, key }]))[0];
  }

  /** Achievements exactly as given, in one request. */
  achievements(items: Record<string, unknown>[]): Promise<any[]> {
    return this.created(ACHIEVEMENTS, items);
  }

  /** A user made (or updated) with PUT /v1/users/{id}, Trophy's identify. */
  async user(input: UserInput = {}): Promise<{ id: string; name: string | null; tz: string | null; attributes: Record<string, string> }> {
    const { id = unique('user'), ...fields } = input;
    const response = await this.request('PUT', `/v1/users/${encodeURIComponent(id)}`, fields);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  }

  /**
   * A points system with the triggers, levels and boosts given (Trophy's CreatePointsSystem items:
   * triggers take metricId, achievementId, attribute ids; boosts may name a userId).
   */
  async pointsSystem(input: Record<string, unknown> = {}): Promise<any> {
    const key = (input['key'] as string | undefined) ?? unique('xp');
    return (await this.pointsSystems([{ name: `Points ${key}`, ...input, key }]))[0];
  }

  /** Points systems exactly as given, in one request. */
  pointsSystems(items: Record<string, unknown>[]): Promise<any[]> {
    return this.created(POINTS, items);
  }

  /** Triggers, levels or boosts added to a points system. */
  pointsItems(systemId: string, what: 'triggers' | 'levels' | 'boosts', items: Record<string, unknown>[]): Promise<any[]> {
    return this.created(`${POINTS}/${systemId}/${what}`, items);
  }

  /** A leaderboard (Trophy's CreateLeaderboardRequestItem); `active` from 2026-01-01 unless given. */
  async leaderboard(input: Record<string, unknown>): Promise<any> {
    const key = (input['key'] as string | undefined) ?? unique('board');
    return (await this.leaderboards([{ name: `Board ${key}`, status: 'active', start: '2026-01-01', ...input, key }]))[0];
  }

  /** A leaderboard exactly as given (no defaults: the Admin API's own apply). */
  async leaderboardAsGiven(item: Record<string, unknown>): Promise<any> {
    return (await this.leaderboards([item]))[0];
  }

  /** Leaderboards exactly as given (no defaults), in one request. */
  leaderboards(items: Record<string, unknown>[]): Promise<any[]> {
    return this.created(LEADERBOARDS, items);
  }

  /** PATCHes one item of a bulk-update collection (`path`), asserting 200 and no issues; returns it as updated. */
  async update(path: string, change: Record<string, unknown>): Promise<any> {
    const response = await this.request('PATCH', path, [change]);
    assert.equal(response.status, 200, `${path}: ${JSON.stringify(response.body)}`);
    assert.deepEqual(response.body.issues, [], path);
    return response.body.updated[0];
  }

  /** POST /v1/metrics/{key}/event for a user, through the real write path. */
  async event(metricKey: string, user: string | (UserInput & { id: string }), value: number, options: { attributes?: Record<string, string>; idempotencyKey?: string } = {}): Promise<EventAnswer> {
    const body = { user: typeof user === 'string' ? { id: user } : user, value, ...(options.attributes ? { attributes: options.attributes } : {}) };
    const headers = options.idempotencyKey === undefined ? undefined : { 'idempotency-key': options.idempotencyKey };
    const response = await this.call('POST', `/v1/metrics/${encodeURIComponent(metricKey)}/event`, { key: this.env.key, body, ...(headers ? { headers } : {}) });
    assert.ok(response.status === 201 || response.status === 202, JSON.stringify(response.body));
    return response;
  }

  /** POSTs a bulk create, asserting 201 and no issues, and returns `created`. */
  private async created(path: string, items: Record<string, unknown>[]): Promise<any[]> {
    const response = await this.request('POST', path, items);
    assert.equal(response.status, 201, `${path}: ${JSON.stringify(response.body)}`);
    assert.deepEqual(response.body.issues, [], path);
    return response.body.created;
  }
}

/** A new environment with its builders, through inject. */
export async function fixturesFor(laurel: TestLaurel, name?: string): Promise<Fixtures> {
  return new Fixtures(injectCaller(laurel), await createFixtureEnvironment(laurel.backend.db, laurel.clock.now(), name));
}

/** The builders of the default development environment (with the key `laurel.api` sends when given none). */
export async function developmentFixtures(laurel: TestLaurel): Promise<Fixtures> {
  const environment = await findEnvironmentByName(laurel.backend.db, 'development');
  assert.ok(environment, 'the development environment exists');
  return new Fixtures(injectCaller(laurel), { id: environment.id, name: environment.name, key: laurel.keys.development });
}
