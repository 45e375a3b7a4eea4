import { stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The web dashboard: the built single-page app (packages/dashboard/dist, or LAUREL_DASHBOARD_DIR)
 * served at /. Its files are sent by @fastify/static; the routing decisions are made here:
 *
 * - a file of the build is sent as it is: /assets/* (names carry a content hash) cached for a
 *   year as immutable, everything else (index.html, favicon) revalidated on every use (no-cache);
 * - a GET that matched no route, outside /admin, /v1 and /console, from a client that asks for
 *   text/html (a browser navigating to /env/development/webhooks) gets index.html, and the app's
 *   router takes over;
 * - everything else unmatched keeps the API's JSON 404;
 * - with no build, / (and any page a browser asks for) explains how to build it.
 *
 * The folder is looked at on each request, so building the dashboard needs no restart.
 */

/** Paths of the APIs: never answered with HTML, so a typo there stays a JSON 404. */
const API_PATH = /^\/(?:admin|v1|console)(?:\/|$)/;
const ASSET_PATH = /^\/assets\//;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** On every HTML answer: the app loads only its own scripts and styles, and is never framed. */
const HTML_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' https: data:",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
} as const;

export interface DashboardOptions {
  /** Absolute path of the built dashboard (config.dashboardDir). */
  dir: string;
}

export async function dashboard(app: FastifyInstance, { dir }: DashboardOptions): Promise<void> {
  // serve: false: only reply.sendFile (its traversal and dotfile checks, ranges, ETags, 304s); the
  // one route below decides what to send.
  await app.register(fastifyStatic, { serve: false, dotfiles: 'ignore', cacheControl: false });
  if (!(await isFile(resolve(dir, 'index.html')))) {
    app.log.info({ dir }, 'dashboard not built: / explains how to build it (npm run build)');
  }

  const route = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = `/${(request.params as { '*'?: string })['*'] ?? ''}`;
    if (API_PATH.test(path)) return reply.callNotFound();

    if (!(await isFile(resolve(dir, 'index.html')))) {
      if (path === '/' || wantsHtml(request)) return sendNotBuilt(reply);
      return reply.callNotFound();
    }
    if (path === '/') return sendIndex(reply, dir);

    const file = await fileOfBuild(dir, path);
    if (file) {
      reply.header('cache-control', ASSET_PATH.test(path) ? IMMUTABLE : REVALIDATE);
      reply.header('x-content-type-options', 'nosniff');
      if (file === 'index.html') reply.headers(HTML_SECURITY_HEADERS);
      return reply.sendFile(file, dir);
    }
    // A missing asset is a stale page asking for an old build's file: HTML would not help it.
    if (!ASSET_PATH.test(path) && wantsHtml(request)) return sendIndex(reply, dir);
    return reply.callNotFound();
  };

  // Below every other route: find-my-way tries static and parametric routes before a wildcard. The
  // constraint keeps API paths from reaching it at all, so the router answers them exactly as it
  // would without a dashboard (an over-long id in a known route is still Fastify's 422, not a 404).
  if (!app.hasConstraintStrategy(PAGE_PATH.name)) app.addConstraintStrategy(PAGE_PATH);
  app.get('/*', { schema: { hide: true }, constraints: { [PAGE_PATH.name]: 'page' } }, route);
}

type ConstraintStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type RouteHandler = ReturnType<ReturnType<ConstraintStrategy['storage']>['get']>;

/** Derives `page` for every path outside the APIs and `api` for theirs; unconstrained routes match either. */
const PAGE_PATH: ConstraintStrategy = {
  name: 'laurelDashboardPath',
  mustMatchWhenDerived: false,
  storage() {
    const handlers = new Map<unknown, RouteHandler>();
    return { get: (value) => handlers.get(value) ?? null, set: (value, handler) => void handlers.set(value, handler) };
  },
  deriveConstraint: (request) => (API_PATH.test(request.url ?? '/') ? 'api' : 'page'),
};

function sendIndex(reply: FastifyReply, dir: string): FastifyReply {
  return reply.headers({ ...HTML_SECURITY_HEADERS, 'cache-control': REVALIDATE }).sendFile('index.html', dir);
}

/**
 * The build's file at this URL path, relative to the folder, or undefined. Hidden names (a segment
 * starting with "."), anything outside the folder and directories are not files of the build.
 */
async function fileOfBuild(dir: string, path: string): Promise<string | undefined> {
  if (path.split('/').some((segment) => segment.startsWith('.'))) return undefined;
  const absolute = resolve(dir, `.${path}`);
  if (!absolute.startsWith(dir + sep)) return undefined;
  return (await isFile(absolute)) ? relative(dir, absolute).split(sep).join('/') : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    // Missing, unreadable, or a name the file system refuses (a NUL byte): not a file to send.
    return false;
  }
}

/** True when the Accept header lists text/html (or text/*) with a non-zero quality: a browser navigating. */
function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'text/html' && type !== 'text/*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function sendNotBuilt(reply: FastifyReply): FastifyReply {
  return reply
    .status(200)
    .headers({ ...HTML_SECURITY_HEADERS, 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' })
    .send(NOT_BUILT_PAGE);
}

// No inline style or script: the page answers under the same Content-Security-Policy as the app.
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Laurel: dashboard not built</title></head>
<body>
<h1>The Laurel dashboard is not built yet</h1>
<p>This server serves the dashboard from the dashboard package's build output, and found no
<code>index.html</code> there. Build it from the repository root:</p>
<pre>npm run build</pre>
<p>(or just the dashboard: <code>npm run build -w @laurel/dashboard</code>), then reload this page;
no restart is needed. To serve a dashboard built elsewhere, set <code>LAUREL_DASHBOARD_DIR</code>
to its folder.</p>
<p>The API works without the dashboard: see <a href="/openapi.json">/openapi.json</a>.</p>
</body>
</html>
`;
