import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { catalogEntries } from '../../../events/catalog.js';
import { eventAreas } from '../../../events/event-types.js';
import type { HttpDependencies } from '../../dependencies.js';
import { errorBody } from '../../schemas/common.js';

const eventTypeInfo = z
  .object({
    type: z.string(),
    area: z.enum(eventAreas),
    title: z.string(),
    description: z.string(),
    live: z.boolean().meta({ description: 'Whether the engine emits this type today; false: only test events of it are sent, for now.' }),
    sample: z.unknown(),
  })
  .meta({ id: 'WebhookEventType' });

/** The catalog of webhook event types, for pickers and docs: what each type means and what it looks like. */
export const eventTypeRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { clock }) => {
  app.get('/webhook-event-types', {
    schema: { tags: ['Webhooks (Laurel extension)'], summary: 'List webhook event types', response: { 200: z.array(eventTypeInfo), 401: errorBody } },
    handler: async () => {
      const now = new Date(clock.now());
      return catalogEntries.map((entry) => ({
        type: entry.type,
        area: entry.area,
        title: entry.title,
        description: entry.description,
        live: entry.live,
        sample: entry.sample(now),
      }));
    },
  });
};
