/**
 * Types and calls for points systems and their triggers, levels and boosts (the Admin API's
 * /admin/v1/points). Shapes follow the server's zod schemas (packages/server/src/http/schemas/points.ts).
 */
import { created, deleted, listAll, updated } from './bulk';
import type { AdminIssue, EnvironmentApi } from './client';

/** A filter on a declared attribute, by the attribute's id (the achievements API names them by key instead). */
export interface AttributeFilter {
  attributeId: string;
  attributeValue: string;
}

export interface BadgeImage {
  url: string;
}

export interface PointsSystem {
  id: string;
  name: string;
  key: string;
  /** "" when unset. */
  description: string;
  status: 'active' | 'archived';
  badge: BadgeImage | null;
  /** null: no cap. */
  maxPoints: number | null;
}

export interface PointsSystemInput {
  name?: string;
  key?: string;
  description?: string;
  badge?: BadgeImage | null;
  maxPoints?: number | null;
}

export const TRIGGER_TYPES = ['metric', 'streak', 'achievement', 'time', 'user_creation'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];
export type TriggerStatus = 'active' | 'inactive';
export type TimeUnit = 'hours' | 'days';

export interface PointsTrigger {
  id: string;
  type: TriggerType;
  /** Negative points deduct. */
  points: number;
  status: TriggerStatus;
  userAttributes: AttributeFilter[];
  /** metric: absent once the metric has been deleted. */
  metricId?: string;
  metricThreshold?: number;
  eventAttributes?: AttributeFilter[];
  /** achievement: absent once the achievement has been deleted. */
  achievementId?: string;
  streakLength?: number;
  timeUnit?: TimeUnit;
  timeInterval?: number;
  blockIfOutOfPoints: boolean;
}

export interface PointsTriggerInput {
  type?: TriggerType;
  points?: number;
  status?: TriggerStatus;
  userAttributes?: AttributeFilter[] | null;
  metricId?: string;
  metricThreshold?: number;
  eventAttributes?: AttributeFilter[] | null;
  achievementId?: string;
  streakLength?: number;
  timeUnit?: TimeUnit;
  timeInterval?: number;
  blockIfOutOfPoints?: boolean;
}

export interface PointsLevel {
  id: string;
  name: string;
  key: string;
  /** The total from which a user holds this level. */
  points: number;
  description: string;
  badge: BadgeImage | null;
}

export interface PointsLevelInput {
  name?: string;
  key?: string;
  points?: number;
  description?: string;
  badge?: BadgeImage | null;
}

export type Rounding = 'down' | 'up' | 'nearest';
export type BoostStatus = 'scheduled' | 'active' | 'finished';

export interface PointsBoost {
  id: string;
  name: string;
  /** From the dates alone. */
  status: BoostStatus;
  /** Local dates, both inclusive; end null: open-ended. */
  start: string;
  end: string | null;
  multiplier: number;
  rounding: Rounding;
  /** One user's boost; null for everyone or for users matching userAttributes. */
  userId: string | null;
  userAttributes?: AttributeFilter[];
}

export interface PointsBoostInput {
  name?: string;
  start?: string;
  end?: string | null;
  multiplier?: number;
  rounding?: Rounding;
  userId?: string;
  userAttributes?: AttributeFilter[] | null;
}

const systems = '/admin/v1/points';
const system = (id: string) => `${systems}/${encodeURIComponent(id)}`;

/** The list, create, update and delete calls of one kind of item below a system. */
function below<Item, Input>(api: EnvironmentApi, path: string) {
  return {
    list: () => listAll<Item>(api, path),
    create: (input: Input) => created(api.post<{ created: Item[]; issues: AdminIssue[] }>(path, [input])),
    update: (id: string, changes: Input) => updated(api.patch<{ updated: Item[]; issues: AdminIssue[] }>(path, [{ id, ...changes }])),
    remove: (id: string) => deleted(api.delete<{ deleted: { id: string }[]; issues: AdminIssue[] }>(path, { ids: id })),
  };
}

export function pointsApi(api: EnvironmentApi) {
  return {
    systems: {
      list: () => listAll<PointsSystem>(api, systems),
      get: (id: string) => api.get<PointsSystem>(system(id)),
      create: (input: PointsSystemInput) => created(api.post<{ created: PointsSystem[]; issues: AdminIssue[] }>(systems, [input])),
      update: (id: string, changes: PointsSystemInput) => updated(api.patch<{ updated: PointsSystem[]; issues: AdminIssue[] }>(systems, [{ id, ...changes }])),
      remove: (id: string) => deleted(api.delete<{ deleted: { id: string }[]; issues: AdminIssue[] }>(systems, { ids: id })),
    },
    triggers: (systemId: string) => below<PointsTrigger, PointsTriggerInput>(api, `${system(systemId)}/triggers`),
    levels: (systemId: string) => below<PointsLevel, PointsLevelInput>(api, `${system(systemId)}/levels`),
    boosts: (systemId: string) => below<PointsBoost, PointsBoostInput>(api, `${system(systemId)}/boosts`),
  };
}

// ---- A user's points: the Application API's GET /v1/users/{id}/points/{key}.

/** The trigger of an award as the Application API shows it: names beside ids, and `archived` once deleted. */
export interface AwardTrigger {
  id: string;
  type: TriggerType;
  points: number;
  status: 'active' | 'inactive' | 'archived';
  metricName?: string;
  metricThreshold?: number;
  streakLengthThreshold?: number;
  achievementName?: string;
  timeUnit?: 'hour' | 'day';
  timeInterval?: number;
}

export interface PointsAward {
  id: string;
  /** What was actually applied, after boosts and the cap. */
  awarded: number;
  date: string;
  /** The user's total after it. */
  total: number;
  trigger: AwardTrigger;
  boosts: { id: string; name: string; multiplier: number }[];
}

export interface UserPoints {
  id: string;
  key: string;
  name: string;
  maxPoints: number | null;
  total: number;
  level: { id: string; key: string; name: string; points: number; badgeUrl: string | null } | null;
  awards: PointsAward[];
}

export function userPointsApi(api: EnvironmentApi) {
  return {
    get: (userId: string, key: string, awards: number) => api.get<UserPoints>(`/v1/users/${encodeURIComponent(userId)}/points/${encodeURIComponent(key)}`, { awards }),
  };
}
