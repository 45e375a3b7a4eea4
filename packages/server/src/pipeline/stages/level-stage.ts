import type { EmitInput } from '../../delivery/outbox.js';
import { buildPayload } from '../../events/catalog.js';
import type { PointsLevel } from '../../events/payloads.js';
import { toWebhookUser } from '../../users/user-store.js';
import { nothing, type Stage } from '../stage.js';
import type { PointsFacts } from './points-stage.js';

export interface LevelFacts {
  /** Points system id -> the level the user is now at (null: none), for the systems whose level moved. */
  changed: ReadonlyMap<string, PointsLevel | null>;
}

/**
 * The fourth stage: levels. The points stage worked out the level every changed total reaches
 * (engine levelChange: the highest threshold reached, re-evaluated on every change); where it
 * moved, this stage sends `points.level_changed` with the previous and new level, and the entry
 * point's `points[key].level` shows the new one.
 */
export const levelStage: Stage<{ points: PointsFacts }, LevelFacts> = {
  name: 'levels',
  async run(_trx, input, { points }) {
    const moved = points.systems.filter((system) => system.levelChange !== null);
    if (moved.length === 0) return nothing({ changed: new Map() });
    const user = toWebhookUser(input.user);
    const changed = new Map<string, PointsLevel | null>();
    const events: EmitInput[] = [];
    for (const system of moved) {
      const { previous, next } = system.levelChange!;
      // A level deleted since the user reached it is no level any more.
      const previousLevel = previous === null ? null : (system.config.levels.get(previous) ?? null);
      const newLevel = next === null ? null : (system.config.levels.get(next) ?? null);
      changed.set(system.config.system.id, newLevel);
      events.push({
        environmentId: input.environmentId,
        type: 'points.level_changed',
        payload: buildPayload('points.level_changed', { user, points: { ...system.config.response, total: system.total }, previousLevel, newLevel }),
      });
    }
    return { facts: { changed }, writes: [], events };
  },
};
