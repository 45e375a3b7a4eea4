import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { systemBoosts, systemLevels, systemWithTriggers } from '../../../points/points-queries.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errors } from '../../../errors.js';
import { errorBody } from '../../schemas/common.js';
import { pointsBoost, pointsBoostsQuery, pointsKeyParam, pointsLevel, pointsSystemResponse } from '../../schemas/points.js';

const tags = ['Points'];
const responses = { 401: errorBody, 404: errorBody, 422: errorBody };

/** 404 for a key the environment has no points system for. */
function found<T>(value: T | undefined, key: string): T {
  if (value === undefined) throw errors.notFound('Points system', key);
  return value;
}

/** Trophy's Application API reads of a points system's configuration. */
export const pointsRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.get('/points/:key', {
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
    schema: {
      tags,
      summary: "Get a points system's levels",
      description: 'Every level, by threshold (points), then key.',
      params: pointsKeyParam,
      response: { 200: z.array(pointsLevel), ...responses },
    },
    handler: async (request) => found(await systemLevels(db, request.environmentId, request.params.key), request.params.key),
  });
};
