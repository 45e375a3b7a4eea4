import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApplicationKeys, deleteApplicationKeys } from '../../../environments/application-api-keys.js';
import type { HttpDependencies } from '../../dependencies.js';
import { adminIssue, bodyErrorResponses, deletedResource, errorResponses, idList, objectId } from '../../schemas/common.js';

const tags = ['Application API keys'];
const MAX_KEYS = 100;

const applicationKeyIssue = adminIssue.extend({ userId: z.string().optional() });

const createBody = z
  .array(z.strictObject({ userId: objectId() }))
  .min(1, 'send at least one user')
  .max(MAX_KEYS, `at most ${MAX_KEYS} users per request`)
  .meta({ id: 'CreateApplicationKeysRequest' });

const createdKey = z
  .object({
    id: z.string(),
    userId: z.string(),
    key: z.string().meta({ description: 'The whole key, shown only here: send it as X-API-KEY.' }),
    prefix: z.string(),
  })
  .meta({ id: 'CreatedApplicationKey' });

const createResponse = z.object({ created: z.array(createdKey), issues: z.array(applicationKeyIssue) }).meta({ id: 'CreateApplicationKeysResponse' });
const deleteResponse = z.object({ deleted: z.array(deletedResource), issues: z.array(applicationKeyIssue) }).meta({ id: 'DeleteApplicationKeysResponse' });

/**
 * Trophy's `/application-api-keys`: keys bound to one user each, safe to ship to a browser or an
 * app. With one, a client may read what is not about one user and act for its own user only
 * (http/access-policy.ts); the Admin API refuses it.
 */
export const applicationApiKeyRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock }) => {
  const db = backend.db;

  app.post('/application-api-keys', {
    schema: {
      tags,
      summary: 'Create application API keys for users',
      description:
        'One key per item, bound to that user; at most 100 per request. The whole key (`key`) is answered only here. A user that does not exist is an error issue for that item (by `index` and `userId`). Answers 201 if at least one key was created, else 200.',
      body: createBody,
      response: { 200: createResponse, 201: createResponse, ...bodyErrorResponses },
    },
    handler: async (request, reply) => {
      const result = await createApplicationKeys(
        db,
        request.environmentId,
        request.body.map((item) => item.userId),
        clock.now(),
      );
      return reply.status(result.created.length > 0 ? 201 : 200).send(result);
    },
  });

  app.delete('/application-api-keys', {
    schema: {
      tags,
      summary: 'Delete application API keys',
      description:
        'Give ids as ?ids=a,b or ?ids=a&ids=b (at most 100). A deleted key stops working at once and cannot be recovered. An id that is not a UUID, or no key of this environment, is an issue.',
      querystring: z.object({ ids: idList }),
      response: { 200: deleteResponse, ...errorResponses },
    },
    handler: async (request) => deleteApplicationKeys(db, request.environmentId, request.query.ids),
  });
};
