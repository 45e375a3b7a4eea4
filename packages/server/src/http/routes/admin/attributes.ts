import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createAttributes, deleteAttributes, findAttribute, listAttributes, updateAttributes } from '../../../attributes/attribute-store.js';
import { errors } from '../../../errors.js';
import type { HttpDependencies } from '../../dependencies.js';
import { bodyErrorResponses, errorResponses, idList, idParam, pagination } from '../../schemas/common.js';
import {
  adminAttribute,
  createAttributesBody,
  createAttributesResponse,
  deleteAttributesResponse,
  updateAttributesBody,
  updateAttributesResponse,
} from '../../schemas/attributes.js';

const tags = ['Attributes'];

/**
 * Trophy's Admin API for attributes: the user and event attribute keys an environment accepts.
 * A body that does not fit the schema (not an array, more than 100 items, a wrong type, a key with
 * other characters than letters, digits, `-` and `_`) is refused whole with 422; problems only
 * the stored data reveals (a key in use, an unknown id) are per-item issues.
 */
export const attributeRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, deps) => {
  const { backend, clock } = deps;
  const db = backend.db;

  app.get('/attributes', {
    schema: { tags, summary: 'List attributes', description: 'Oldest first.', querystring: pagination, response: { 200: z.array(adminAttribute), ...errorResponses } },
    handler: async (request) => listAttributes(db, request.environmentId, request.query.limit, request.query.skip),
  });

  app.post('/attributes', {
    schema: {
      tags,
      summary: 'Create attributes',
      description:
        'Keys are unique per type within the environment. A key already in use, or repeated in the request (the later item), is an issue for that item; the others are created. Answers 201 if at least one attribute was created, else 200.',
      body: createAttributesBody,
      response: { 200: createAttributesResponse, 201: createAttributesResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const result = await createAttributes(db, request.environmentId, request.body, clock.now());
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  });

  app.patch('/attributes', {
    schema: {
      tags,
      summary: 'Update attributes',
      description: 'Renames attributes by id. `key` and `type` cannot be changed. Unknown ids are issues; the other items are applied.',
      body: updateAttributesBody,
      response: { 200: updateAttributesResponse, ...bodyErrorResponses },
    },
    handler: async (request) => updateAttributes(db, request.environmentId, request.body, clock.now()),
  });

  app.delete('/attributes', {
    schema: {
      tags,
      summary: 'Delete attributes',
      description:
        'Give ids as ?ids=a,b or ?ids=a&ids=b. Values already stored on users and events are kept. Unknown ids are issues; the others are deleted. A user attribute that a leaderboard breaks down by is refused with 400 rule_broken naming the boards, and nothing is deleted.',
      querystring: z.object({ ids: idList }),
      response: { 200: deleteAttributesResponse, ...errorResponses },
    },
    handler: async (request) => {
      const { deleted, issues } = await deleteAttributes(db, request.environmentId, request.query.ids);
      return { deleted: deleted.map((id) => ({ id })), issues };
    },
  });

  app.get('/attributes/:id', {
    schema: { tags, summary: 'Get an attribute', params: idParam, response: { 200: adminAttribute, ...errorResponses } },
    handler: async (request) => {
      const attribute = await findAttribute(db, request.environmentId, request.params.id);
      if (!attribute) throw errors.notFound('Attribute', request.params.id);
      return attribute;
    },
  });
};
