import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type FastifyPluginAsyncZod,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { enforceAccessPolicies } from './access-policy.js';
import { refuseApplicationKeys, requireApiKeyOrSession } from './auth.js';
import { allowCrossOrigin } from './cors.js';
import { recordRouteTable } from './route-table.js';
import { dashboard } from './dashboard.js';
import type { HttpDependencies } from './dependencies.js';
import { nameEnvironmentInNotFound } from './environment-in-not-found.js';
import { frameworkError, installErrorHandler } from './error-handler.js';
import { registerRateLimits } from './rate-limit.js';
import { achievementRoutes } from './routes/admin/achievements.js';
import { attributeRoutes } from './routes/admin/attributes.js';
import { deliveryRoutes } from './routes/admin/deliveries.js';
import { eventTypeRoutes } from './routes/admin/event-types.js';
import { metricEventBatchRoutes } from './routes/admin/metric-events.js';
import { metricRoutes } from './routes/admin/metrics.js';
import { streakAdminRoutes } from './routes/admin/streaks.js';
import { adminUserRoutes } from './routes/admin/users.js';
import { webhookRoutes } from './routes/admin/webhooks.js';
import { webhookEventRoutes } from './routes/admin/webhook-events.js';
import { apiKeyRoutes } from './routes/admin/api-keys.js';
import { applicationApiKeyRoutes } from './routes/admin/application-api-keys.js';
import { leaderboardAdminRoutes } from './routes/admin/leaderboards.js';
import { pointsAdminRoutes } from './routes/admin/points.js';
import { environmentRoutes } from './routes/admin/environments.js';
import { settingsRoutes } from './routes/admin/settings.js';
import { consoleApi } from './routes/console/console-api.js';
import { MAX_ID_LENGTH } from './schemas/common.js';
import { achievementCompletionRoutes } from './routes/app/achievement-completions.js';
import { achievementListRoutes } from './routes/app/achievements.js';
import { leaderboardRoutes } from './routes/app/leaderboards.js';
import { pointsRoutes } from './routes/app/points.js';
import { metricEventRoutes } from './routes/app/events.js';
import { streakRoutes } from './routes/app/streaks.js';
import { userRoutes } from './routes/app/users.js';
import { wrappedRoutes } from './routes/app/wrapped.js';
import { systemRoutes } from './routes/system.js';

export const BODY_LIMIT = 1_048_576;

/**
 * The HTTP API. Request schemas (zod) validate input, shape responses and generate the OpenAPI
 * document served at /openapi.json, so the API and its description cannot drift apart.
 */
export async function buildApp(deps: HttpDependencies, logger?: FastifyBaseLogger, options: { api: boolean } = { api: true }): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: BODY_LIMIT,
    // Ids are at most this long; Fastify's default (100) answered longer ones with its own 414 body.
    routerOptions: { maxParamLength: MAX_ID_LENGTH },
    frameworkErrors: frameworkError,
    // One log line per request would dominate the logs (and CPU) of a busy event API.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  recordRouteTable(app);
  // The API speaks JSON only; Fastify's built-in text/plain parser let a JSON body sent as text reach
  // validation as a string ("expected array, received string") instead of being refused with 415.
  app.removeContentTypeParser('text/plain');

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Laurel API',
        version: deps.version,
        description: "Trophy-compatible gamification API with Laurel's webhook management extensions.",
      },
      components: {
        securitySchemes: {
          ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-KEY' },
          // The dashboard's session (POST /console/v1/login); /admin/v1 and /v1 also take it, with X-Laurel-Environment and X-CSRF-Token.
          SessionCookie: { type: 'apiKey', in: 'cookie', name: 'laurel_session' },
        },
      },
      security: [{ ApiKeyAuth: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  await app.register(systemRoutes, deps);
  if (!options.api) return app;
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // The web dashboard at / (its files, and index.html for its pages); API paths keep their JSON 404.
  await app.register(dashboard, { dir: deps.config.dashboardDir });

  // Before the two APIs: it gives each of their routes its tier's limit as the route is added.
  await registerRateLimits(app, deps);

  /**
   * A scope whose every route needs X-API-KEY (or a dashboard session), with these route plugins in
   * it; its 404s for what a request names say which environment was searched (both APIs alike).
   * The Admin API refuses application keys outright; the Application API takes them where each
   * route's access policy allows (http/access-policy.ts), and answers CORS for them.
   */
  const authenticated =
    (plugins: readonly FastifyPluginAsyncZod<HttpDependencies>[], api: 'admin' | 'application') => async (scope: FastifyInstance) => {
      // Before authentication, so a preflight (which carries no key) is answered.
      if (api === 'application') await allowCrossOrigin(scope, deps.config.corsOrigins);
      requireApiKeyOrSession(scope, deps.backend.db, deps.clock, { applicationKeys: api === 'application' ? 'allow' : 'refuse' });
      if (api === 'application') enforceAccessPolicies(scope);
      nameEnvironmentInNotFound(scope, deps.backend.db);
      for (const plugin of plugins) await scope.register(plugin, deps);
    };

  await app.register(
    authenticated([
      webhookRoutes,
      webhookEventRoutes,
      deliveryRoutes,
      eventTypeRoutes,
      attributeRoutes,
      metricRoutes,
      metricEventBatchRoutes,
      achievementRoutes,
      streakAdminRoutes,
      apiKeyRoutes,
      applicationApiKeyRoutes,
      adminUserRoutes,
      leaderboardAdminRoutes,
      pointsAdminRoutes,
      settingsRoutes,
      environmentRoutes,
    ], 'admin'),
    { prefix: '/admin/v1' },
  );
  // Trophy's Application API. `Tenant-ID` is accepted and ignored: Laurel environments are single-tenant.
  await app.register(authenticated([metricEventRoutes, userRoutes, achievementListRoutes, achievementCompletionRoutes, streakRoutes, leaderboardRoutes, pointsRoutes, wrappedRoutes], 'application'), {
    prefix: '/v1',
  });
  await app.register(
    async (scope) => {
      refuseApplicationKeys(scope);
      await scope.register(consoleApi(deps));
    },
    { prefix: '/console/v1' },
  );
  return app;
}
