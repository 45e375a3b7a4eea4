import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { levelSummary } from '../../../points/level-summary.js';
import { pointsEventSummary } from '../../../points/points-event-summary.js';
import { systemBoosts, systemLevels, systemWithTriggers } from '../../../points/points-queries.js';
import { pointsSummary } from '../../../points/points-summary.js';
import { findSystemByKey } from '../../../points/system-store.js';
import { userBoosts } from '../../../points/user-boosts.js';
import { userPoints } from '../../../points/user-points.js';
import { loadStreakSettings } from '../../../streaks/streak-settings.js';
import { requireUser } from '../../../users/user-store.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errors } from '../../../errors.js';
import { summaryPoint } from '../../schemas/app.js';
import { errorBody } from '../../schemas/common.js';
import { eventSummaryQuery } from '../../schemas/event-summary.js';
import {
  levelSummaryItem,
  pointsBoost,
  pointsBoostsQuery,
  pointsKeyParam,
  pointsLevel,
  pointsRange,
  pointsSummaryQuery,
  pointsSystemResponse,
  userPointsParams,
  userPointsQuery,
  userPointsResponse,
} from '../../schemas/points.js';
import { anyRead, ownUserInPath } from '../../access-policy.js';

const tags = ['Points'];
const userTags = ['Users'];
const responses = { 401: errorBody, 404: errorBody, 422: errorBody };

/** 404 for a key the environment has no points system for. */
function found<T>(value: T | undefined, key: string): T {
  if (value === undefined) throw errors.notFound('Points system', key);
  return value;
}

/** Trophy's Application API reads of points: a system's configuration and summaries, and a user's points. */
export const pointsRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.get('/points/:key', {
    config: { access: anyRead },
    schema: {
      tags,
      summary: 'Get a points system with its triggers',
      description: 'Only active triggers, oldest first.',
      params: pointsKeyParam,
      response: { 200: pointsSystemResponse, ...responses },
    },
    handler: async (request) => found(await systemWithTriggers(db, request.environmentId, request.params.key), request.params.key),
  });

  app.get('/points/:key/boosts', {
    config: { access: anyRead },
    schema: {
      tags,
      summary: "Get a points system's boosts",
      description:
        "Boosts for everyone and those filtered by user attributes (not a single user's), by start date. status is active while the boost's dates are current somewhere on Earth; finished boosts only with includeFinished=true.",
      params: pointsKeyParam,
      querystring: pointsBoostsQuery,
      response: { 200: z.array(pointsBoost), ...responses },
    },
    handler: async (request) => found(await systemBoosts(db, request.environmentId, request.params.key, request.query.includeFinished, clock.now()), request.params.key),
  });

  app.get('/points/:key/levels', {
    config: { access: anyRead },
    schema: {
      tags,
      summary: "Get a points system's levels",
      description: 'Every level, by threshold (points), then key.',
      params: pointsKeyParam,
      response: { 200: z.array(pointsLevel), ...responses },
    },
    handler: async (request) => found(await systemLevels(db, request.environmentId, request.params.key), request.params.key),
  });

  app.get('/points/:key/summary', {
    config: { access: anyRead },
    schema: {
      tags,
      summary: 'Get a breakdown of users by points',
      description:
        "11 ranges, both bounds inclusive: 0-0, then ten equal ranges from 1 to the highest total rounded up to a power of 10 (at least 10). Every user of the environment counts, at 0 until they earn points; with userAttributes, only users matching every pair.",
      params: pointsKeyParam,
      querystring: pointsSummaryQuery,
      response: { 200: z.array(pointsRange), ...responses },
    },
    handler: async (request) => {
      const system = found(await findSystemByKey(db, request.environmentId, request.params.key), request.params.key);
      return pointsSummary(db, request.environmentId, system.id, request.query.userAttributes);
    },
  });

  app.get('/points/:key/level-summary', {
    config: { access: anyRead },
    schema: {
      tags,
      summary: 'Get a breakdown of users by level',
      description:
        "Every level, by threshold then key, with the users at it: a user's level is the highest threshold their total has reached (users below every threshold are at none). 422 when the system has no levels.",
      params: pointsKeyParam,
      response: { 200: z.array(levelSummaryItem), ...responses },
    },
    handler: async (request) => {
      const system = found(await findSystemByKey(db, request.environmentId, request.params.key), request.params.key);
      const levels = await db.selectFrom('points_levels').selectAll().where('system_id', '=', system.id).execute();
      if (levels.length === 0) throw errors.invalid(`Points system ${system.key} has no levels: add some with POST /admin/v1/points/${system.id}/levels`);
      return levelSummary(db, request.environmentId, system.id, levels);
    },
  });

  app.get('/users/:id/points/:key', {
    config: { access: ownUserInPath },
    schema: {
      tags: userTags,
      summary: "Get a user's points",
      description:
        "The user's total (0 before any award), their level from it (null without levels or below the lowest) and their latest awards, newest first, each with its trigger and the boosts that multiplied it.",
      params: userPointsParams,
      querystring: userPointsQuery,
      response: { 200: userPointsResponse, ...responses },
    },
    handler: async (request) => {
      const user = await requireUser(db, request.environmentId, request.params.id);
      const system = found(await findSystemByKey(db, request.environmentId, request.params.key), request.params.key);
      return userPoints(db, system, user, request.query.awards, clock.now());
    },
  });

  app.get('/users/:id/points/:key/boosts', {
    config: { access: ownUserInPath },
    schema: {
      tags: userTags,
      summary: "Get a user's active boosts",
      description:
        "The boosts that multiply the user's awards today in their calendar: for everyone, for their attributes, or given to them; by start date.",
      params: userPointsParams,
      response: { 200: z.array(pointsBoost), ...responses },
    },
    handler: async (request) => {
      const user = await requireUser(db, request.environmentId, request.params.id);
      const system = found(await findSystemByKey(db, request.environmentId, request.params.key), request.params.key);
      return userBoosts(db, system.id, user, clock.now());
    },
  });

  app.get('/users/:id/points/:key/event-summary', {
    config: { access: ownUserInPath },
    schema: {
      tags: userTags,
      summary: "A user's points over time, for charts",
      description:
        "One {date, total, change} per day, week (from the streak settings' weekStart) or month of the range, awards counted on the user's local date; date is the bucket's first day.",
      params: userPointsParams,
      querystring: eventSummaryQuery,
      response: { 200: z.array(summaryPoint), ...responses },
    },
    handler: async (request) => {
      const { environmentId } = request;
      const { aggregation, startDate, endDate } = request.query;
      const user = await requireUser(db, environmentId, request.params.id);
      const system = found(await findSystemByKey(db, environmentId, request.params.key), request.params.key);
      const settings = await loadStreakSettings(db, environmentId);
      return pointsEventSummary(db, system.id, user.id, { startDate, endDate }, aggregation, settings.weekStart);
    },
  });
};
