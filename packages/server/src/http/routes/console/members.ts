import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createMember, listAccounts, removeMember } from '../../../console/accounts.js';
import type { HttpDependencies } from '../../dependencies.js';
import { consoleErrors, errors } from '../../../errors.js';
import { errorBody, idParam } from '../../schemas/common.js';
import { account, newMember, newMemberBody, noContent } from '../../schemas/console.js';
import { sessionBodyErrorResponses, sessionErrorResponses, sessionSecurity } from './responses.js';

const tags = ['Console'];

// A route hook, so a member learns nothing about the body before being refused.
async function ownerOnly(request: FastifyRequest): Promise<void> {
  if (request.signedIn!.account.role !== 'owner') throw errors.ownerOnly();
}

/** The accounts that can sign in. Everyone sees the list; only the owner adds and removes members. */
export const memberRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock }) => {
  const db = backend.db;

  app.get('/members', {
    schema: { tags, summary: 'List accounts', description: 'The owner first, then members, oldest first.', security: sessionSecurity, response: { 200: z.array(account), ...sessionErrorResponses } },
    handler: async () => listAccounts(db),
  });

  app.post('/members', {
    onRequest: ownerOnly,
    schema: {
      tags,
      summary: 'Add a member',
      description: 'Owner only. The answer carries a one-time password, shown only here; the member must change it at first sign-in.',
      security: sessionSecurity,
      body: newMemberBody,
      response: { 201: newMember, 409: errorBody, ...sessionBodyErrorResponses },
    },
    handler: async (request, reply) => {
      const created = await createMember(db, request.body.email, clock.now());
      if (!created) throw consoleErrors.emailTaken(request.body.email.toLowerCase());
      return reply.status(201).send(created);
    },
  });

  app.delete('/members/:id', {
    onRequest: ownerOnly,
    schema: {
      tags,
      summary: 'Remove a member',
      description: 'Owner only. Ends every session of the member. The owner cannot be removed (400).',
      security: sessionSecurity,
      params: idParam,
      response: { 204: noContent, 404: errorBody, ...sessionErrorResponses },
    },
    handler: async (request, reply) => {
      const result = await removeMember(db, request.params.id);
      if (result === 'not-found') throw errors.notFound('Member', request.params.id);
      if (result === 'owner') throw errors.business('The owner cannot be removed');
      return reply.status(204).send(null);
    },
  });
};
