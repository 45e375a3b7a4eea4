import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiKey, deleteApiKey, listApiKeys, setApiKeyRevoked, type ApiKeyInfo } from '../../../environments/api-keys.js';
import { errors } from '../../../errors.js';
import type { HttpDependencies } from '../../dependencies.js';
import { apiKey, createApiKeyBody, createdApiKey, updateApiKeyBody } from '../../schemas/api-keys.js';
import { noContent } from '../../schemas/console.js';
import { bodyErrorResponses, errorResponses, idParam, pagination } from '../../schemas/common.js';

const tags = ['API keys (Laurel extension)'];

/**
 * The environment's admin API keys (Laurel extension; `laurel keys create` does the same from a
 * shell). Every call sees only the keys of the environment it is authenticated for. A key's secret
 * is shown once, when it is created; afterwards only its prefix.
 */
export const apiKeyRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock }) => {
  const db = backend.db;

  app.get('/api-keys', {
    schema: { tags, summary: 'List API keys', description: 'Oldest first. Secrets are never shown again.', querystring: pagination, response: { 200: z.array(apiKey), ...errorResponses } },
    handler: async (request) => (await listApiKeys(db, request.environmentId, request.query.limit, request.query.skip)).map(view),
  });

  app.post('/api-keys', {
    schema: {
      tags,
      summary: 'Create an API key',
      description: 'The answer carries the whole key (`key`), shown only here; send it as X-API-KEY.',
      body: createApiKeyBody,
      response: { 201: createdApiKey, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const { key, ...info } = await createApiKey(db, request.environmentId, request.body.name, clock.now());
      return reply.status(201).send({ ...view(info), key });
    },
  });

  app.patch('/api-keys/:id', {
    schema: {
      tags,
      summary: 'Revoke or re-activate an API key',
      description: 'A revoked key is refused (401) at once, until it is re-activated.',
      params: idParam,
      body: updateApiKeyBody,
      response: { 200: apiKey, ...bodyErrorResponses },
    },
    handler: async (request) => {
      const updated = await setApiKeyRevoked(db, request.environmentId, request.params.id, request.body.revoked, clock.now());
      if (!updated) throw errors.notFound('API key', request.params.id);
      return view(updated);
    },
  });

  app.delete('/api-keys/:id', {
    schema: { tags, summary: 'Delete an API key', description: 'The key stops working at once.', params: idParam, response: { 204: noContent, ...errorResponses } },
    handler: async (request, reply) => {
      if (!(await deleteApiKey(db, request.environmentId, request.params.id))) throw errors.notFound('API key', request.params.id);
      return reply.status(204).send(null);
    },
  });
};

function view({ environmentId: _environmentId, ...key }: ApiKeyInfo): Omit<ApiKeyInfo, 'environmentId'> {
  return key;
}
