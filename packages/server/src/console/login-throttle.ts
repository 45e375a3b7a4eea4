import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.js';

/**
 * Slows password guessing: after 5 failed sign-ins for one email, or 30 from one client address,
 * within 15 minutes, sign-in is refused until the oldest of those failures is 15 minutes old.
 * Failures are rows in the database, so every process behind a load balancer counts the same ones.
 * Refused attempts are not failures: they never reached the password check.
 */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

export interface ThrottleKey {
  key: string;
  max: number;
}

/** What one sign-in counts against: its (normalised) email and the client's address. */
export function throttleKeys(normalizedEmail: string, address: string): ThrottleKey[] {
  return [
    { key: `email:${normalizedEmail}`, max: MAX_FAILURES_PER_EMAIL },
    { key: `ip:${address}`, max: MAX_FAILURES_PER_ADDRESS },
  ];
}

/** Milliseconds until a sign-in may be tried again, or 0 when it may be tried now. */
export async function loginRetryAfter(db: Kysely<Schema>, keys: readonly ThrottleKey[], now: number): Promise<number> {
  let wait = 0;
  for (const { key, max } of keys) {
    const recent = await db
      .selectFrom('login_failures')
      .select('at')
      .where('key', '=', key)
      .where('at', '>', now - LOGIN_WINDOW_MS)
      .orderBy('at', 'desc')
      .limit(max)
      .execute();
    // Allowed again once fewer than `max` failures are left in the window: when the max-th most recent one leaves it.
    if (recent.length >= max) wait = Math.max(wait, recent[max - 1]!.at + LOGIN_WINDOW_MS - now);
  }
  return wait;
}

export async function recordLoginFailure(db: Kysely<Schema>, keys: readonly ThrottleKey[], now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Failures older than the window count for nothing; dropping them here keeps the table small.
    await trx.deleteFrom('login_failures').where('at', '<=', now - LOGIN_WINDOW_MS).execute();
    await trx.insertInto('login_failures').values(keys.map(({ key }) => ({ key, at: now }))).execute();
  });
}

/** After a successful sign-in, the email's earlier failures stop counting (the address's keep counting). */
export async function clearLoginFailures(db: Kysely<Schema>, key: ThrottleKey): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key.key).execute();
}
