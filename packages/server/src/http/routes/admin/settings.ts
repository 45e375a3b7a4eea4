import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { loadSettings, updateSettings } from '../../../settings/environment-settings.js';
import type { HttpDependencies } from '../../dependencies.js';
import { bodyErrorResponses, errorResponses } from '../../schemas/common.js';
import { adminSettings, updateAdminSettingsBody } from '../../schemas/settings.js';

const tags = ['Settings'];

/** Trophy's organisation settings (spec 1.24.0), per Laurel environment. */
export const settingsRoutes: FastifyPluginAsyncZod<HttpDependencies> = async (app, { backend, clock }) => {
  app.get('/settings', {
    schema: {
      tags,
      summary: 'Get the settings',
      description: "The environment's branding, experimentation and aggregation period; defaults until an admin changes them.",
      response: { 200: adminSettings, ...errorResponses },
    },
    handler: async (request) => loadSettings(backend.db, request.environmentId),
  });

  app.patch('/settings', {
    schema: {
      tags,
      summary: 'Update the settings',
      description:
        'Top-level fields left out keep their values; `branding` and `experimentation` are merged field by field (null for either is a 422); `branding.logo` and `branding.appIcon` take null to remove the image. Answers the whole settings after the update. `experimentation.controlRatio` is stored and served; assigning users to the control group is not implemented yet.',
      body: updateAdminSettingsBody,
      response: { 200: adminSettings, ...bodyErrorResponses },
    },
    handler: async (request) => updateSettings(backend.db, request.environmentId, request.body, clock.now()),
  });
};
