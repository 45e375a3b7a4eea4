import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createEnvironment, listEnvironments, renameEnvironment } from '../../../environments/environments.js';
import type { HttpDependencies } from '../../dependencies.js';
import { consoleErrors, errors } from '../../../errors.js';
import { errorBody, idParam } from '../../schemas/common.js';
import { createEnvironmentBody, environment, renameEnvironmentBody } from '../../schemas/console.js';
import { sessionBodyErrorResponses, sessionErrorResponses, sessionSecurity } from './responses.js';

const tags = ['Console'];

/** Environments as the dashboard manages them. Each has its own data and API keys; the name is only a label. */
export const environmentRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock }) => {
  const db = backend.db;

  app.get('/environments', {
    schema: { tags, summary: 'List environments', description: 'Oldest first.', security: sessionSecurity, response: { 200: z.array(environment), ...sessionErrorResponses } },
    handler: async () => listEnvironments(db),
  });

  app.post('/environments', {
    schema: {
      tags,
      summary: 'Create an environment',
      description: '`kind` (default development) only decides how the dashboard shows it. A name in use is 409.',
      security: sessionSecurity,
      body: createEnvironmentBody,
      response: { 201: environment, 409: errorBody, ...sessionBodyErrorResponses },
    },
    handler: async (request, reply) => {
      const created = await createEnvironment(db, request.body.name, clock.now(), request.body.kind);
      if (!created) throw consoleErrors.environmentNameTaken(request.body.name);
      return reply.status(201).send(created);
    },
  });

  app.patch('/environments/:id', {
    schema: {
      tags,
      summary: 'Rename an environment',
      description: 'API keys, webhooks and data stay with it. A name in use is 409.',
      security: sessionSecurity,
      params: idParam,
      body: renameEnvironmentBody,
      response: { 200: environment, 404: errorBody, 409: errorBody, ...sessionBodyErrorResponses },
    },
    handler: async (request) => {
      const result = await renameEnvironment(db, request.params.id, request.body.name);
      if ('nameTaken' in result) throw consoleErrors.environmentNameTaken(request.body.name);
      if ('notFound' in result) throw errors.notFound('Environment', request.params.id);
      return result.renamed;
    },
  });
};
