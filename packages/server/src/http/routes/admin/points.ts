import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createBoosts, deleteBoosts, getBoost, listBoosts, updateBoosts } from '../../../points/boost-store.js';
import { InvalidPointsConfig } from '../../../points/invalid-config.js';
import { createLevels, deleteLevels, getLevel, listLevels, updateLevels } from '../../../points/level-store.js';
import { createSystems, deleteSystems, findSystem, listSystems, updateSystems } from '../../../points/system-store.js';
import { toAdminSystem } from '../../../points/system-view.js';
import { createTriggers, deleteTriggers, getTrigger, listTriggers, updateTriggers } from '../../../points/trigger-store.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errors } from '../../../errors.js';
import { bodyErrorResponses, errorResponses, idList, pagination } from '../../schemas/common.js';
import {
  adminPointsBoost,
  adminPointsLevel,
  adminPointsSystem,
  adminPointsTrigger,
  createBoostsBody,
  createBoostsResponse,
  createLevelsBody,
  createLevelsResponse,
  createSystemsBody,
  createSystemsResponse,
  createTriggersBody,
  createTriggersResponse,
  deletedResponse,
  systemAndIdParams,
  systemIdParam,
  updateBoostsBody,
  updateBoostsResponse,
  updateLevelsBody,
  updateLevelsResponse,
  updateSystemsBody,
  updateSystemsResponse,
  updateTriggersBody,
  updateTriggersResponse,
} from '../../schemas/points.js';

const tags = ['Points'];
const SYSTEM = 'Points system';

/** A request the points rules refuse whole is a 422 naming each item and field; nothing was written. */
async function refusingInvalid<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof InvalidPointsConfig) throw errors.invalid(error.message);
    throw error;
  }
}

/** The result of a write to a system's sub-entities, or 404 when the environment has no such system. */
function inSystem<T>(result: T | undefined, systemId: string): T {
  if (result === undefined) throw errors.notFound(SYSTEM, systemId);
  return result;
}

/**
 * Trophy's Admin API for points: systems at /points, and each system's triggers, levels and
 * boosts below it. A body that does not fit the schema, or an item that breaks a rule (a field of
 * another trigger type, a missing required one, a type change on an active trigger, userId with
 * userAttributes, an end before the start, an id naming no metric, achievement or attribute of the
 * environment), refuses the whole request with 422 naming the item and the field, and writes
 * nothing. Only a key in use, a boost for a user who does not exist and an unknown or repeated id
 * are per-item issues. An unknown system in the path is 404. The rules are in docs/engine.md.
 */
export const pointsAdminRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;
  /** 404 unless the environment has the system. */
  const requireSystem = async (environmentId: string, systemId: string) => {
    const system = await findSystem(db, environmentId, systemId);
    if (!system) throw errors.notFound(SYSTEM, systemId);
    return system;
  };

  // ---- Systems.

  app.get('/points', {
    schema: { tags, summary: 'List points systems', description: 'Oldest first.', querystring: pagination, response: { 200: z.array(adminPointsSystem), ...errorResponses } },
    handler: async (request) => listSystems(db, request.environmentId, request.query.limit, request.query.skip),
  });

  app.post('/points', {
    schema: {
      tags,
      summary: 'Create points systems',
      description:
        'Each system may bring its levels, boosts and triggers, created with it. Keys are unique in the environment: a key in use, or repeated later in the request, is an issue for that item (which is not created, nor what it brings). Answers 201 if at least one system was created, else 200.',
      body: createSystemsBody,
      response: { 200: createSystemsResponse, 201: createSystemsResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const result = await refusingInvalid(createSystems(db, request.environmentId, request.body, clock.now()));
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  });

  app.patch('/points', {
    schema: {
      tags,
      summary: 'Update points systems',
      description: 'Changes name, description, badge (null removes it) and maxPoints (null removes the cap) by id; fields left out are kept; key cannot change. Unknown or repeated ids are issues.',
      body: updateSystemsBody,
      response: { 200: updateSystemsResponse, ...bodyErrorResponses },
    },
    handler: async (request) => updateSystems(db, request.environmentId, request.body, clock.now()),
  });

  app.delete('/points', {
    schema: {
      tags,
      summary: 'Delete points systems',
      description: "Give ids as ?ids=a,b or ?ids=a&ids=b. Deletes the systems with their triggers, levels and boosts, and every user's points, awards and progress in them. Unknown ids are issues.",
      querystring: z.object({ ids: idList }),
      response: { 200: deletedResponse, ...errorResponses },
    },
    handler: async (request) => {
      const { deleted, issues } = await deleteSystems(db, request.environmentId, request.query.ids);
      return { deleted: deleted.map((id) => ({ id })), issues };
    },
  });

  // Named systemId like the routes below it: find-my-way shares one parameter node per path
  // segment, and the OpenAPI document must name it as the router's route list does.
  app.get('/points/:systemId', {
    schema: { tags, summary: 'Get a points system', params: systemIdParam, response: { 200: adminPointsSystem, ...errorResponses } },
    handler: async (request) => toAdminSystem(await requireSystem(request.environmentId, request.params.systemId)),
  });

  // ---- Triggers.

  app.get('/points/:systemId/triggers', {
    schema: {
      tags,
      summary: "List a points system's triggers",
      description: 'Oldest first; deleted triggers are left out.',
      params: systemIdParam,
      querystring: pagination,
      response: { 200: z.array(adminPointsTrigger), ...errorResponses },
    },
    handler: async (request) => {
      await requireSystem(request.environmentId, request.params.systemId);
      return listTriggers(db, request.params.systemId, request.query.limit, request.query.skip);
    },
  });

  app.post('/points/:systemId/triggers', {
    schema: {
      tags,
      summary: 'Create points triggers',
      description:
        'type metric needs metricId and metricThreshold (eventAttributes optional), streak needs streakLength, achievement needs achievementId, time needs timeUnit (hours or days; hour and day are taken too) and timeInterval, user_creation needs nothing; fields of another type are refused. points is never 0 (negative deducts). Triggers are created inactive unless status is active. Any problem refuses the whole request (422).',
      params: systemIdParam,
      body: createTriggersBody,
      response: { 200: createTriggersResponse, 201: createTriggersResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const result = inSystem(await refusingInvalid(createTriggers(db, request.environmentId, request.params.systemId, request.body, clock.now())), request.params.systemId);
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  });

  app.patch('/points/:systemId/triggers', {
    schema: {
      tags,
      summary: 'Update points triggers',
      description:
        "Fields left out are kept; null clears userAttributes and eventAttributes. Fields must belong to the trigger's type. type can change only while the trigger is inactive, and then the new type's required fields must be given. Activating a trigger starts its counting afresh (metric progress, time schedules). Unknown or repeated ids are issues; any other problem refuses the whole request (422).",
      params: systemIdParam,
      body: updateTriggersBody,
      response: { 200: updateTriggersResponse, ...bodyErrorResponses },
    },
    handler: async (request) =>
      inSystem(await refusingInvalid(updateTriggers(db, request.environmentId, request.params.systemId, request.body, clock.now())), request.params.systemId),
  });

  app.delete('/points/:systemId/triggers', {
    schema: {
      tags,
      summary: 'Delete points triggers',
      description: "A deleted trigger fires no more and is no longer listed; the awards it made keep showing it (as status archived in the Application API). Unknown ids are issues.",
      params: systemIdParam,
      querystring: z.object({ ids: idList }),
      response: { 200: deletedResponse, ...errorResponses },
    },
    handler: async (request) => {
      const result = inSystem(await deleteTriggers(db, request.environmentId, request.params.systemId, request.query.ids, clock.now()), request.params.systemId);
      return { deleted: result.deleted.map((id) => ({ id })), issues: result.issues };
    },
  });

  app.get('/points/:systemId/triggers/:id', {
    schema: { tags, summary: 'Get a points trigger', params: systemAndIdParams, response: { 200: adminPointsTrigger, ...errorResponses } },
    handler: async (request) => {
      await requireSystem(request.environmentId, request.params.systemId);
      const trigger = await getTrigger(db, request.params.systemId, request.params.id);
      if (!trigger) throw errors.notFound('Points trigger', request.params.id);
      return trigger;
    },
  });

  // ---- Levels.

  app.get('/points/:systemId/levels', {
    schema: {
      tags,
      summary: "List a points system's levels",
      description: 'By threshold (points), then key.',
      params: systemIdParam,
      querystring: pagination,
      response: { 200: z.array(adminPointsLevel), ...errorResponses },
    },
    handler: async (request) => {
      await requireSystem(request.environmentId, request.params.systemId);
      return listLevels(db, request.params.systemId, request.query.limit, request.query.skip);
    },
  });

  app.post('/points/:systemId/levels', {
    schema: {
      tags,
      summary: 'Create points levels',
      description: "A user's level is the highest whose points they have reached. Keys are unique in the system: a key in use, or repeated later in the request, is an issue for that item. Answers 201 if at least one level was created, else 200.",
      params: systemIdParam,
      body: createLevelsBody,
      response: { 200: createLevelsResponse, 201: createLevelsResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const result = inSystem(await createLevels(db, request.environmentId, request.params.systemId, request.body, clock.now()), request.params.systemId);
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  });

  app.patch('/points/:systemId/levels', {
    schema: {
      tags,
      summary: 'Update points levels',
      description: 'Changes name, points, description and badge (null removes it) by id; key cannot change. Unknown or repeated ids are issues.',
      params: systemIdParam,
      body: updateLevelsBody,
      response: { 200: updateLevelsResponse, ...bodyErrorResponses },
    },
    handler: async (request) => inSystem(await updateLevels(db, request.environmentId, request.params.systemId, request.body, clock.now()), request.params.systemId),
  });

  app.delete('/points/:systemId/levels', {
    schema: {
      tags,
      summary: 'Delete points levels',
      description: "Users keep their points; their level is worked out from the remaining levels. Unknown ids are issues.",
      params: systemIdParam,
      querystring: z.object({ ids: idList }),
      response: { 200: deletedResponse, ...errorResponses },
    },
    handler: async (request) => {
      const result = inSystem(await deleteLevels(db, request.environmentId, request.params.systemId, request.query.ids), request.params.systemId);
      return { deleted: result.deleted.map((id) => ({ id })), issues: result.issues };
    },
  });

  app.get('/points/:systemId/levels/:id', {
    schema: { tags, summary: 'Get a points level', params: systemAndIdParams, response: { 200: adminPointsLevel, ...errorResponses } },
    handler: async (request) => {
      await requireSystem(request.environmentId, request.params.systemId);
      const level = await getLevel(db, request.params.systemId, request.params.id);
      if (!level) throw errors.notFound('Level', request.params.id);
      return level;
    },
  });

  // ---- Boosts.

  app.get('/points/:systemId/boosts', {
    schema: {
      tags,
      summary: "List a points system's boosts",
      description: "Oldest first, for everyone and for single users. status comes from the dates: scheduled, active, finished (a user's boost in that user's time zone).",
      params: systemIdParam,
      querystring: pagination,
      response: { 200: z.array(adminPointsBoost), ...errorResponses },
    },
    handler: async (request) => {
      await requireSystem(request.environmentId, request.params.systemId);
      return listBoosts(db, request.params.systemId, request.query.limit, request.query.skip, clock.now());
    },
  });

  app.post('/points/:systemId/boosts', {
    schema: {
      tags,
      summary: 'Create points boosts',
      description:
        'A boost multiplies the positive awards of its system between start and end (inclusive local dates; end null is open-ended): for everyone, for users whose userAttributes match, or for one user (userId; not together with userAttributes). multiplier is above 0, below 100 and not 1; rounding is down (default), up or nearest. A user who does not exist is an issue for that item; any other problem refuses the whole request (422). Answers 201 if at least one boost was created, else 200.',
      params: systemIdParam,
      body: createBoostsBody,
      response: { 200: createBoostsResponse, 201: createBoostsResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const result = inSystem(await refusingInvalid(createBoosts(db, request.environmentId, request.params.systemId, request.body, clock.now())), request.params.systemId);
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  });

  app.patch('/points/:systemId/boosts', {
    schema: {
      tags,
      summary: 'Update points boosts',
      description: "Fields left out are kept; end null makes the boost open-ended, userAttributes null clears the filters (not on a user's boost). userId cannot change. Unknown or repeated ids are issues; any other problem refuses the whole request (422).",
      params: systemIdParam,
      body: updateBoostsBody,
      response: { 200: updateBoostsResponse, ...bodyErrorResponses },
    },
    handler: async (request) =>
      inSystem(await refusingInvalid(updateBoosts(db, request.environmentId, request.params.systemId, request.body, clock.now())), request.params.systemId),
  });

  app.delete('/points/:systemId/boosts', {
    schema: {
      tags,
      summary: 'Delete points boosts',
      description: 'At most 100 ids. Awards already boosted keep their points. Unknown ids are issues.',
      params: systemIdParam,
      querystring: z.object({ ids: idList }),
      response: { 200: deletedResponse, ...errorResponses },
    },
    handler: async (request) => {
      const result = inSystem(await deleteBoosts(db, request.environmentId, request.params.systemId, request.query.ids), request.params.systemId);
      return { deleted: result.deleted.map((id) => ({ id })), issues: result.issues };
    },
  });

  app.get('/points/:systemId/boosts/:id', {
    schema: { tags, summary: 'Get a points boost', params: systemAndIdParams, response: { 200: adminPointsBoost, ...errorResponses } },
    handler: async (request) => {
      await requireSystem(request.environmentId, request.params.systemId);
      const boost = await getBoost(db, request.params.systemId, request.params.id, clock.now());
      if (!boost) throw errors.notFound('Points boost', request.params.id);
      return boost;
    },
  });
};
