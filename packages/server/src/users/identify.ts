import type { Backend } from '../store/backends/backend.js';
import type { UserRow } from '../store/schema.js';
import { loadStreakSettings } from '../streaks/streak-settings.js';
import { createUserStreak } from '../streaks/user-streak.js';
import type { UpsertedUserInput } from './user-input.js';
import { upsertUser, type UpsertMode } from './user-store.js';

/** The users API's writes: one transaction each, and a new user gets their streak row (initial freezes). */
export async function writeUser(backend: Backend, environmentId: string, input: UpsertedUserInput, mode: UpsertMode, now: number): Promise<UserRow> {
  return backend.db.transaction().execute(async (trx) => {
    const { user, created } = await upsertUser(trx, environmentId, input, mode, now, backend.supportsSkipLocked);
    if (created) await createUserStreak(trx, environmentId, user, await loadStreakSettings(trx, environmentId), now);
    return user;
  });
}
