import type { FastifyInstance } from 'fastify';
import type { AccessPolicy } from './access-policy.js';

/** A route as added to the server: its methods, its URL pattern with prefix, and its access policy. */
export interface RouteEntry {
  methods: string[];
  url: string;
  access: AccessPolicy | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route added after buildApp began, for checks over the whole table (test/http/access-policy). */
    routeTable: readonly RouteEntry[];
  }
}

/** Records every route added to the app from now on into `app.routeTable`. */
export function recordRouteTable(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    table.push({ methods: [route.method].flat().map(String), url: route.url, access: route.config?.access });
  });
}
