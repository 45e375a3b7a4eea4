import type { Backend } from '../store/backends/backend.js';
import type { UserRow } from '../store/schema.js';
import { loadStreakSettings } from '../streaks/streak-settings.js';
import { createUserStreak, loadUserStreak, scheduleNext } from '../streaks/user-streak.js';
import type { UpsertedUserInput } from './user-input.js';
import { upsertUser, type UpsertMode } from './user-store.js';

/**
 * The users API's writes: one transaction each. A new user gets their streak row (initial freezes);
 * a changed time zone reschedules their streak.
 */
export async function writeUser(backend: Backend, environmentId: string, input: UpsertedUserInput, mode: UpsertMode, now: number): Promise<UserRow> {
  return backend.db.transaction().execute(async (trx) => {
    const { user, created } = await upsertUser(trx, environmentId, input, mode, now, backend.supportsSkipLocked);
    const settings = await loadStreakSettings(trx, environmentId);
    if (created) await createUserStreak(trx, environmentId, user, settings, now);
    // Periods end at local midnight: a new time zone moves the user's next rollover.
    else if (input.tz !== undefined) await scheduleNext(trx, await loadUserStreak(trx, environmentId, user, settings, now), now);
    return user;
  });
}
