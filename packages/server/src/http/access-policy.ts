import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../errors.js';

/**
 * Who may call an Application API route, declared by each route in its `config.access`:
 *
 * - `any-read`: a read that is not about one user (achievements, leaderboards, points systems),
 *   open to every principal, application keys included;
 * - `own-user`: about one user, named where `user` says; an application key may call it only for
 *   the user it is bound to (for a body that is an array, every item must name that user);
 * - `server-only`: admin keys and dashboard sessions only.
 *
 * Admin keys and sessions act for their whole environment, so only application keys are checked.
 * A route without a policy is treated as server-only (fail closed), and test/http/access-policy
 * checks over the route table that every /v1 route declares one. The check runs in preValidation,
 * on the parsed body and the path as sent, before validation and the handler: a refused request
 * writes nothing, and the answer to another user's request is 403 whatever its body.
 */
export type UserBinding =
  /** A path parameter, e.g. `/users/:id`. */
  | { param: string }
  /** A field of the JSON body, by its path, e.g. `['user', 'id']`. */
  | { body: readonly string[] }
  /** The same field of every item of a JSON array body. */
  | { eachBodyItem: readonly string[] };

export type AccessPolicy = { access: 'any-read' } | { access: 'own-user'; user: UserBinding } | { access: 'server-only' };

export const ACCESS_KINDS = ['any-read', 'own-user', 'server-only'] as const satisfies readonly AccessPolicy['access'][];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (http/access-policy.ts); every /v1 route declares it. */
    access?: AccessPolicy;
  }
}

export const anyRead: AccessPolicy = { access: 'any-read' };
export const serverOnly: AccessPolicy = { access: 'server-only' };
export const ownUser = (user: UserBinding): AccessPolicy => ({ access: 'own-user', user });
/** `/users/:id/...`: the most common binding. */
export const ownUserInPath: AccessPolicy = ownUser({ param: 'id' });

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Installs the check on every route of the scope. A route that declares `any-read` for a method
 * other than GET is a mistake in Laurel, refused when the route is added.
 */
export function enforceAccessPolicies(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().map(String);
    if (route.config?.access?.access === 'any-read' && methods.some((method) => !READ_METHODS.has(method))) {
      throw new Error(`${methods.join(',')} ${route.url} declares access any-read, which only a GET may`);
    }
  });
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const principal = request.principal;
    if (principal?.kind !== 'application-key') return;
    const refusal = refusalFor(request.routeOptions.config.access, request, principal.userId);
    if (refusal !== undefined) throw errors.applicationKeyForbidden(refusal);
  });
}

/** Why an application key bound to `userId` may not make this request, or undefined when it may. */
function refusalFor(policy: AccessPolicy | undefined, request: FastifyRequest, userId: string): string | undefined {
  if (policy?.access === 'any-read') return undefined;
  if (policy?.access !== 'own-user') return 'This route is not open to application API keys: call it from your server with an admin API key';
  const named = usersNamed(policy.user, request);
  if (named.length === 0 || named.some((id) => typeof id !== 'string')) return 'This request names no user: an application API key acts only for its own user';
  const other = named.find((id) => id !== userId);
  return other === undefined ? undefined : `This application API key acts for user ${JSON.stringify(userId)} only, and the request is about another user`;
}

function usersNamed(binding: UserBinding, request: FastifyRequest): unknown[] {
  if ('param' in binding) return [(request.params as Record<string, unknown> | undefined)?.[binding.param]];
  if ('body' in binding) return [at(request.body, binding.body)];
  return Array.isArray(request.body) ? request.body.map((item) => at(item, binding.eachBodyItem)) : [];
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const field of path) current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[field] : undefined;
  return current;
}
