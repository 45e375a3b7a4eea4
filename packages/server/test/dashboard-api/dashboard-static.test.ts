import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>\n';
const SCRIPT = 'console.log("laurel dashboard");\n';
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' https: data:",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/** The built dashboard served at / from a folder made here (LAUREL_DASHBOARD_DIR), and the page shown without one. */
forEachBackend('dashboard at /', (database) => {
  let dist: string;
  let missing: string;
  let laurel: TestLaurel;
  let unbuilt: TestLaurel;

  before(async () => {
    const root = await mkdtemp(join(tmpdir(), 'laurel-dashboard-'));
    dist = join(root, 'dist');
    missing = join(root, 'not-built-yet');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), INDEX);
    await writeFile(join(dist, 'assets', 'app-abc123.js'), SCRIPT);
    await writeFile(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(dist, '.env'), 'SECRET=1');
    await writeFile(join(root, 'outside.txt'), 'outside the dashboard folder');
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], env: { LAUREL_DASHBOARD_DIR: dist } });
    unbuilt = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], env: { LAUREL_DASHBOARD_DIR: missing } });
  });
  after(async () => {
    await laurel.close();
    await unbuilt.close();
    await rm(join(dist, '..'), { recursive: true, force: true });
  });

  const get = async (server: TestLaurel, url: string, accept?: string, method: 'GET' | 'HEAD' | 'POST' = 'GET'): Promise<Answer> => {
    const response = await server.app!.inject({ method, url, headers: accept ? { accept } : {} });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  };
  const assertIndex = (answer: Answer, what: string) => {
    assert.equal(answer.status, 200, `${what}: ${answer.body}`);
    assert.equal(answer.body, INDEX, what);
    assert.match(String(answer.headers['content-type']), /^text\/html/, what);
    assert.equal(answer.headers['cache-control'], 'no-cache', what);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(answer.headers[name], value, `${what}: ${name}`);
  };
  const assertJson404 = (answer: Answer, path: string, method = 'GET') => {
    assert.equal(answer.status, 404, `${path}: ${answer.body}`);
    assert.match(String(answer.headers['content-type']), /^application\/json/, path);
    assert.deepEqual(JSON.parse(answer.body), { error: `Route ${method} ${path} not found`, code: 'route_not_found' });
  };

  test('/ serves index.html, revalidated on every use, with the security headers', async () => {
    assertIndex(await get(laurel, '/'), 'no Accept');
    assertIndex(await get(laurel, '/', BROWSER), 'a browser');
    assertIndex(await get(laurel, '/index.html', BROWSER), 'by name');
    const head = await get(laurel, '/', BROWSER, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test("the app's own pages get index.html when a browser asks for them", async () => {
    for (const path of [
      '/login',
      '/setup',
      '/env/development/webhooks',
      '/env/development/webhooks/01a21d4f-65b2-75ec-8261-886193fe9c4f',
      '/env/production/users/john.doe@example.com',
      '/settings/members?tab=1',
      `/env/development/users/${'u'.repeat(300)}`,
    ]) {
      assertIndex(await get(laurel, path, BROWSER), path);
    }
    assertIndex(await get(laurel, '/env/development/metrics', 'text/html'), 'Accept: text/html alone');
  });

  test('assets are sent as built and cached as immutable', async () => {
    const script = await get(laurel, '/assets/app-abc123.js', '*/*');
    assert.equal(script.status, 200);
    assert.equal(script.body, SCRIPT);
    assert.match(String(script.headers['content-type']), /javascript/);
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(script.headers['x-content-type-options'], 'nosniff');
    const icon = await get(laurel, '/favicon.svg', '*/*');
    assert.equal(icon.status, 200);
    assert.equal(icon.headers['cache-control'], 'no-cache', 'files without a content hash are revalidated');
  });

  test('a missing asset, an API path or a non-HTML client gets the JSON 404, never the page', async () => {
    assertJson404(await get(laurel, '/assets/app-old999.js', BROWSER), '/assets/app-old999.js');
    for (const path of ['/admin/v1/nope', '/v1/nope', '/console/v1/nope', '/admin', '/v1', '/admin/v1/webhooks/a/b/c']) {
      assertJson404(await get(laurel, path, BROWSER), path);
    }
    assertJson404(await get(laurel, '/env/development/webhooks', 'application/json'), '/env/development/webhooks');
    assertJson404(await get(laurel, '/env/development/webhooks'), '/env/development/webhooks');
    assertJson404(await get(laurel, '/env/development/webhooks', 'text/html;q=0, application/json'), '/env/development/webhooks');
    assertJson404(await get(laurel, '/login', BROWSER, 'POST'), '/login', 'POST');
    // The API itself still answers as before: 401 without a key.
    const webhooks = await get(laurel, '/admin/v1/webhooks', BROWSER);
    assert.equal(webhooks.status, 401);
    // The router still refuses an over-long id in a known route itself, before any page could match.
    const longId = await get(laurel, `/admin/v1/webhooks/${'x'.repeat(300)}`, BROWSER);
    assert.equal(longId.status, 422, longId.body);
    assert.match(JSON.parse(longId.body).error, /longer than 255/);
  });

  test('hidden files and paths outside the folder are not served', async () => {
    assertJson404(await get(laurel, '/.env', '*/*'), '/.env');
    for (const path of ['/..%2foutside.txt', '/assets/..%2f..%2foutside.txt', '/%2e%2e/outside.txt', '/assets/%00.js']) {
      const answer = await get(laurel, path, '*/*');
      assert.ok(answer.status >= 400 && answer.status < 500, `${path}: ${answer.status}`);
      assert.ok(!answer.body.includes('outside the dashboard folder'), path);
    }
  });

  test('/healthz, /metrics and /openapi.json are unchanged, and the dashboard is not in the API document', async () => {
    const health = await get(laurel, '/healthz', BROWSER);
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.body).status, 'ok');
    const metrics = await get(laurel, '/metrics', BROWSER);
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    assert.match(metrics.body, /^# HELP laurel_/m);
    const openapi = await get(laurel, '/openapi.json', BROWSER);
    assert.equal(openapi.status, 200);
    const paths = Object.keys(JSON.parse(openapi.body).paths);
    assert.ok(paths.length > 0);
    assert.deepEqual(paths.filter((p) => !/^\/(admin\/v1|v1|console\/v1)\//.test(p)), [], 'only API routes are documented');
  });

  test('without a build, / and the app\'s pages explain how to build it; the APIs are unaffected', async () => {
    for (const [path, accept] of [['/', undefined], ['/', BROWSER], ['/env/development/webhooks', BROWSER]] as const) {
      const page = await get(unbuilt, path, accept);
      assert.equal(page.status, 200, path);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.match(page.body, /npm run build/);
      assert.match(page.body, /LAUREL_DASHBOARD_DIR/);
      assert.ok(!page.body.includes(missing), 'the page does not reveal server paths');
      assert.equal(page.headers['cache-control'], 'no-store');
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(page.headers[name], value, name);
    }
    assertJson404(await get(unbuilt, '/admin/v1/nope', BROWSER), '/admin/v1/nope');
    assertJson404(await get(unbuilt, '/assets/app-abc123.js', '*/*'), '/assets/app-abc123.js');
    assert.equal((await get(unbuilt, '/healthz')).status, 200);

    // Built later: served at once, without a restart.
    await mkdir(missing, { recursive: true });
    await writeFile(join(missing, 'index.html'), INDEX);
    assertIndex(await get(unbuilt, '/', BROWSER), 'after building');
  });
});
