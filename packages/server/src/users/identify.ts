import type { ConfigCache } from '../environments/config-cache.js';
import { runPipeline, type PipelineDeps } from '../pipeline/run-pipeline.js';
import type { Backend } from '../store/backends/backend.js';
import type { UserRow } from '../store/schema.js';
import type { UpsertedUserInput } from './user-input.js';
import { upsertUser, type UpsertMode } from './user-store.js';

/**
 * The users API's writes: one transaction each, the user written and then a change through the
 * pipeline (a new user gets their streak row with the initial freezes; a moved user's streak is
 * rescheduled).
 */
export async function writeUser(
  deps: PipelineDeps & { backend: Backend; configCache: ConfigCache },
  environmentId: string,
  input: UpsertedUserInput,
  mode: UpsertMode,
  now: number,
): Promise<UserRow> {
  return deps.backend.db.transaction().execute(async (trx) => {
    const config = await deps.configCache.get(trx, environmentId);
    const { user, created, previous } = await upsertUser(trx, environmentId, input, mode, now, deps.backend.supportsSkipLocked, config.attributeKeys.user);
    const tzChanged = previous !== undefined && previous.tz !== user.tz;
    await runPipeline(trx, deps, { environmentId, user, userCreated: created, tzChanged, change: { kind: 'user_written' }, config, now });
    return user;
  });
}
