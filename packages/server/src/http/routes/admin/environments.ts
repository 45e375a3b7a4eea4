import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listEnvironments, type Environment } from '../../../environments/environments.js';
import type { EnvironmentKind } from '../../../store/schema.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errorResponses } from '../../schemas/common.js';
import { adminEnvironment } from '../../schemas/settings.js';

const KIND_ORDER: Record<EnvironmentKind, number> = { production: 0, staging: 1, development: 2 };

/**
 * Trophy SDK 1.25's `GET /environments`: the instance's environments by priority, lower first.
 * The oldest production environment is 1 (Trophy: production is always 1), then the others by
 * kind (production, staging, development) and age. `key` is the environment's name, which the
 * CLI and the dashboard use to name it.
 */
export function byPriority(environments: readonly Environment[]): { name: string; key: string; priority: number }[] {
  return [...environments]
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.created.localeCompare(b.created) || a.id.localeCompare(b.id))
    .map((environment, index) => ({ name: environment.name, key: environment.name, priority: index + 1 }));
}

export const environmentRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend }) => {
  app.get('/environments', {
    schema: {
      tags: ['Environments'],
      summary: 'List environments',
      description:
        "Every environment of this Laurel instance, by priority (lower first; production is 1), whichever environment the key belongs to, as Trophy lists an organisation's. `key` is the environment's name.",
      response: { 200: z.array(adminEnvironment).meta({ id: 'ListEnvironmentsResponse' }), ...errorResponses },
    },
    handler: async () => byPriority(await listEnvironments(backend.db)),
  });
};
