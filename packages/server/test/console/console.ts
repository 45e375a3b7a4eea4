/**
 * Helpers for the console tests: requests as the dashboard makes them (a session cookie, the
 * CSRF token, X-Laurel-Environment), with the response headers the other helpers leave out.
 */
import assert from 'node:assert/strict';
import type { Laurel } from '../../src/laurel.js';

export const OWNER = { email: 'owner@example.com', password: 'correct horse battery' };

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

/** A signed-in dashboard: its cookie and CSRF token. */
export interface Browser {
  cookie: string;
  csrfToken: string;
  account: any;
}

export interface RequestOptions {
  body?: unknown;
  /** Sends this session's cookie and, unless `csrf` is false, its CSRF token. */
  as?: Browser;
  csrf?: boolean | string;
  /** X-Laurel-Environment. */
  environment?: string;
  headers?: Record<string, string>;
  /** The client's address (the login throttle counts per address). */
  ip?: string;
}

export async function request(laurel: Pick<Laurel, 'app'>, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.as) {
    headers['cookie'] = options.as.cookie;
    if (options.csrf !== false) headers['x-csrf-token'] = typeof options.csrf === 'string' ? options.csrf : options.as.csrfToken;
  }
  if (options.environment !== undefined) headers['x-laurel-environment'] = options.environment;
  const response = await laurel.app!.inject({
    method,
    url,
    headers,
    ...(options.ip ? { remoteAddress: options.ip } : {}),
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
  let body: unknown = response.body;
  try {
    body = JSON.parse(response.body);
  } catch {}
  return { status: response.statusCode, body, headers: response.headers };
}

/** The `name=value` part of the session cookie a response set. */
export function sessionCookieOf(answer: Answer): string {
  const header = setCookieOf(answer);
  assert.ok(header, `no Set-Cookie in ${JSON.stringify(answer.headers)}`);
  return header.split(';')[0]!;
}

export function setCookieOf(answer: Answer): string | undefined {
  const header = answer.headers['set-cookie'];
  return Array.isArray(header) ? header.find((c) => c.startsWith('laurel_session=')) : (header as string | undefined);
}

/** Signs in (asserting 200) and returns the session. */
export async function signIn(laurel: Pick<Laurel, 'app'>, email: string, password: string, ip?: string): Promise<Browser> {
  const answer = await request(laurel, 'POST', '/console/v1/login', { body: { email, password }, ...(ip ? { ip } : {}) });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return { cookie: sessionCookieOf(answer), csrfToken: answer.body.csrfToken, account: answer.body.account };
}

/** The first-run set-up of OWNER (asserting 201), signed in. */
export async function setUpOwner(laurel: Pick<Laurel, 'app'>): Promise<Browser> {
  const answer = await request(laurel, 'POST', '/console/v1/setup', { body: OWNER });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return { cookie: sessionCookieOf(answer), csrfToken: answer.body.csrfToken, account: answer.body.account };
}

/** Adds a member as `owner`, signs them in with the one-time password and changes it to `password`. */
export async function addMember(laurel: Pick<Laurel, 'app'>, owner: Browser, email: string, password = 'member password 1'): Promise<Browser> {
  const created = await request(laurel, 'POST', '/console/v1/members', { as: owner, body: { email } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const member = await signIn(laurel, email, created.body.oneTimePassword);
  const changed = await request(laurel, 'POST', '/console/v1/password', { as: member, body: { currentPassword: created.body.oneTimePassword, newPassword: password } });
  assert.equal(changed.status, 204, JSON.stringify(changed.body));
  return { ...member, account: { ...member.account, mustChangePassword: false } };
}
