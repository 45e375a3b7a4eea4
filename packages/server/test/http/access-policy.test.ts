import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ACCESS_KINDS } from '../../src/http/access-policy.js';
import { loadConfig } from '../../src/config/config.js';
import { forEachBackend } from '../support/backends.js';
import { developmentFixtures } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

/**
 * Over the server's own route table (every route as added, app.routeTable): each /v1 route
 * declares who may call it, and its policy holds when called with an application key; every
 * /admin/v1 and /console/v1 route refuses one. Then CORS: on /v1 only, preflights answered.
 */
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
// @fastify/cors's catch-all for preflights: answered by its hook, before any key is asked for.
const isPreflightRoute = (methods: string[], url: string) => methods.length === 1 && methods[0] === 'OPTIONS' && url === '/v1/*';

/** A URL for a route pattern: every parameter `x`, `:id` the given user. */
const concrete = (url: string, user: string) => url.replace(/:id\b/g, encodeURIComponent(user)).replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'x');

forEachBackend('access policies over the route table', (database) => {
  let laurel: TestLaurel;
  let appKey: string;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    const dev = await developmentFixtures(laurel);
    await dev.user({ id: 'ada' });
    await dev.user({ id: 'bob' });
    const made = await laurel.api('POST', '/admin/v1/application-api-keys', { body: [{ userId: 'ada' }] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    appKey = made.body.created[0].key;
  });
  after(() => laurel.close());

  const routes = (prefix: string) =>
    laurel.app.routeTable.filter((route) => route.url.startsWith(prefix) && !route.methods.every((method) => method === 'HEAD') && !isPreflightRoute(route.methods, route.url));
  const call = async (method: string, url: string, body?: unknown) => {
    const response = await laurel.app.inject({
      method: method as Method,
      url,
      headers: { 'x-api-key': appKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
  };

  test('every /v1 route declares a policy; any-read only on GET, own-user bound to a parameter of its path or a field of its body', () => {
    const table = routes('/v1/');
    assert.ok(table.length >= 25, `the table has the Application API (${table.length} routes)`);
    const undeclared = table.filter((route) => route.access === undefined).map((route) => `${route.methods.join(',')} ${route.url}`);
    assert.deepEqual(undeclared, [], 'routes without config.access');
    for (const route of table) {
      const policy = route.access!;
      assert.ok(ACCESS_KINDS.includes(policy.access), `${route.url}: ${policy.access}`);
      if (policy.access === 'any-read') assert.deepEqual(route.methods.filter((m) => m !== 'HEAD'), ['GET'], route.url);
      if (policy.access === 'own-user' && 'param' in policy.user) assert.ok(route.url.includes(`:${policy.user.param}`), `${route.url} has :${policy.user.param}`);
      if (policy.access === 'own-user' && 'body' in policy.user) assert.ok(route.methods.some((m) => ['POST', 'PUT', 'PATCH'].includes(m)), `${route.url} takes a body`);
    }
    // Every route about one user by its path is bound to that user.
    for (const route of table.filter((r) => r.url.startsWith('/v1/users/:id'))) assert.deepEqual(route.access, { access: 'own-user', user: { param: 'id' } }, route.url);
  });

  test("with an application key: every own-user route by path refuses another user's id, every any-read route lets it through", async () => {
    let checked = 0;
    for (const route of routes('/v1/')) {
      const method = route.methods.find((m) => m !== 'HEAD')!;
      const policy = route.access!;
      if (policy.access === 'own-user' && 'param' in policy.user) {
        const response = await call(method, concrete(route.url, 'bob'), method === 'GET' ? undefined : {});
        assert.equal(response.status, 403, `${method} ${route.url}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.code, 'application_key_forbidden');
        // Its own user gets past the policy (whatever the route then answers).
        const own = await call(method, concrete(route.url, 'ada'), method === 'GET' ? undefined : {});
        assert.notEqual(own.status, 403, `${method} ${route.url} for its own user: ${JSON.stringify(own.body)}`);
        checked++;
      } else if (policy.access === 'own-user') {
        const binding = policy.user as { body: readonly string[] } | { eachBodyItem: readonly string[] };
        const field = 'body' in binding ? binding.body : binding.eachBodyItem;
        const body = field.reduceRight<unknown>((inner: unknown, key: string) => ({ [key]: inner }), 'bob');
        const response = await call(method, concrete(route.url, 'ada'), 'body' in binding ? body : [body]);
        assert.equal(response.status, 403, `${method} ${route.url}`);
        checked++;
      } else if (policy.access === 'any-read') {
        const response = await call(method, concrete(route.url, 'ada'));
        assert.ok(response.status !== 403 && response.status !== 401 && response.status < 500, `${method} ${route.url}: ${response.status}`);
        checked++;
      } else {
        assert.equal((await call(method, concrete(route.url, 'ada'))).status, 403, `${method} ${route.url} is server-only`);
        checked++;
      }
    }
    assert.equal(checked, routes('/v1/').length);
  });

  test('every /admin/v1 and /console/v1 route refuses an application key with 403 and writes nothing', async () => {
    const before = await laurel.backend.db.selectFrom('metrics').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const table = [...routes('/admin/v1/'), ...routes('/console/v1/')];
    assert.ok(table.length >= 60, `the table has the Admin and console APIs (${table.length} routes)`);
    for (const route of table) {
      for (const method of route.methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS')) {
        const response = await call(method, concrete(route.url, 'ada'), method === 'GET' || method === 'DELETE' ? undefined : [{ name: 'x', key: 'x' }]);
        assert.equal(response.status, 403, `${method} ${route.url}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.code, 'application_key_forbidden', `${method} ${route.url}`);
      }
    }
    const afterAll = await laurel.backend.db.selectFrom('metrics').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(afterAll.n), Number(before.n));
  });

  test('CORS on /v1: a preflight is answered 204 without a key; answers, errors included, carry the headers', async () => {
    const origin = 'https://app.example.com';
    const preflight = await laurel.app.inject({
      method: 'OPTIONS',
      url: '/v1/users/ada',
      headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'x-api-key,content-type' },
    });
    assert.equal(preflight.statusCode, 204, preflight.body);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.match(String(preflight.headers['access-control-allow-methods']), /\bPATCH\b/);
    assert.equal(preflight.headers['access-control-allow-headers'], 'x-api-key,content-type');
    assert.equal(preflight.headers['access-control-max-age'], '7200');

    const read = await laurel.app.inject({ method: 'GET', url: '/v1/users/ada', headers: { origin, 'x-api-key': appKey } });
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers['access-control-allow-origin'], '*');
    assert.match(String(read.headers['access-control-expose-headers']), /X-RateLimit-Remaining/);
    for (const refused of [
      await laurel.app.inject({ method: 'GET', url: '/v1/users/ada', headers: { origin } }),
      await laurel.app.inject({ method: 'GET', url: '/v1/users/bob', headers: { origin, 'x-api-key': appKey } }),
    ]) {
      assert.ok([401, 403].includes(refused.statusCode));
      assert.equal(refused.headers['access-control-allow-origin'], '*', 'a page can read why it was refused');
    }
  });

  test('no CORS on /admin/v1, /console/v1 or elsewhere', async () => {
    const origin = 'https://app.example.com';
    for (const url of ['/admin/v1/metrics', '/console/v1/session', '/healthz']) {
      const preflight = await laurel.app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'GET' } });
      assert.equal(preflight.headers['access-control-allow-origin'], undefined, `OPTIONS ${url}`);
      assert.notEqual(preflight.statusCode, 204, `OPTIONS ${url}`);
      const get = await laurel.app.inject({ method: 'GET', url, headers: { origin, 'x-api-key': laurel.keys.development } });
      assert.equal(get.headers['access-control-allow-origin'], undefined, `GET ${url}`);
    }
  });
});

forEachBackend('CORS origins from LAUREL_CORS_ORIGINS', (database) => {
  let laurel: TestLaurel;
  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], env: { LAUREL_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' } });
  });
  after(() => laurel.close());

  test('a listed origin is echoed, another gets no CORS headers', async () => {
    const ask = (origin: string) =>
      laurel.app.inject({ method: 'OPTIONS', url: '/v1/achievements', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' } });
    for (const origin of ['https://app.example.com', 'http://localhost:5173']) {
      const answer = await ask(origin);
      assert.equal(answer.statusCode, 204);
      assert.equal(answer.headers['access-control-allow-origin'], origin);
      assert.match(String(answer.headers['vary']), /Origin/i);
    }
    assert.equal((await ask('https://evil.example.com')).headers['access-control-allow-origin'], undefined);
  });
});

test('LAUREL_CORS_ORIGINS: *, off and lists of origins are read; anything else stops the start with a message', () => {
  const read = (value?: string) => loadConfig({ DATABASE_URL: 'sqlite::memory:', ...(value === undefined ? {} : { LAUREL_CORS_ORIGINS: value }) }).corsOrigins;
  assert.equal(read(), '*');
  assert.equal(read('off'), 'off');
  assert.deepEqual(read('https://a.example.com,http://localhost:5173'), ['https://a.example.com', 'http://localhost:5173']);
  assert.throws(() => read('https://a.example.com/'), /LAUREL_CORS_ORIGINS: "https:\/\/a.example.com\/" is not an origin/);
  assert.throws(() => read('app.example.com'), /LAUREL_CORS_ORIGINS: "app.example.com" is not an origin/);
  assert.throws(() => read(' , '), /LAUREL_CORS_ORIGINS: must be \*, off/);
});
