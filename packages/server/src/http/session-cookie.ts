import type { FastifyReply } from 'fastify';
import type { Mode } from '../config/config.js';
import { SESSION_ABSOLUTE_MS } from '../console/sessions.js';

/**
 * The dashboard's session cookie. HttpOnly (page scripts never see the token), SameSite=Lax (not
 * sent with cross-site POSTs), Secure in production mode (HTTPS only). It lives as long as a
 * session can; the server ends idle sessions earlier.
 */
export const SESSION_COOKIE = 'laurel_session';

/** Set-Cookie via @fastify/cookie, which the console scope registers. */
export function setSessionCookie(reply: FastifyReply, token: string, mode: Mode): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: mode === 'production',
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply, mode: Mode): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: mode === 'production' });
}

/**
 * The session token from a Cookie header, or undefined. Read by hand rather than by
 * @fastify/cookie's hook so the API-key scopes carry no cookie hook at all: the event route is
 * hot, and a request there with X-API-KEY never reaches this.
 */
export function sessionTokenFrom(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(separator + 1).trim();
    // Tokens are base64url; anything else is not one of ours.
    return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
  }
  return undefined;
}
