/**
 * What a client receives when a request fails: Trophy's `{"error"}` plus the catalogue's `code`,
 * the same for an error our code throws, one Fastify raises and one from the dashboard's files,
 * whether or not the route declares its error responses (their schema must not drop the code).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { rawRequest } from './raw-request.js';

const SCRIPT = 'console.log("laurel dashboard");\n';

forEachBackend('error answers', (database) => {
  let root: string;
  let laurel: TestLaurel;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'laurel-errors-'));
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Laurel</title>\n');
    await writeFile(join(root, 'assets', 'app-abc123.js'), SCRIPT);
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], env: { LAUREL_DASHBOARD_DIR: root } });
  });
  after(async () => {
    await laurel.close();
    await rm(root, { recursive: true, force: true });
  });

  test('an error thrown by domain code: the message as before, and its code', async () => {
    const response = await laurel.api('POST', '/v1/metrics/no-such-metric/event', { body: { user: { id: 'ada' }, value: 1 } });
    assertError(response, 404, /^Metric not found: no-such-metric \(looked in environment "development"/);
    assert.equal(response.body.code, 'not_found');
  });

  test('a rule of stored data and an undeclared attribute: 400, each with its own code', async () => {
    assert.equal((await laurel.api('POST', '/v1/users', { body: { id: 'grace' } })).status, 201);
    const again = await laurel.api('POST', '/v1/users', { body: { id: 'grace' } });
    assertError(again, 400, /^User already exists: grace$/);
    assert.equal(again.body.code, 'rule_broken');
    const attributes = await laurel.api('POST', '/v1/users', { body: { id: 'lin', attributes: { city: 'Oslo' } } });
    assertError(attributes, 400, /^Invalid attribute keys: city\./);
    assert.equal(attributes.body.code, 'unknown_attributes');
  });

  test("Fastify's own refusals map to catalogue entries", async () => {
    const cases: [string, Parameters<typeof rawRequest>[1], number, string][] = [
      ['malformed JSON', { method: 'POST', url: '/admin/v1/webhooks', headers: { 'content-type': 'application/json' }, payload: '{"name":' }, 400, 'malformed_json'],
      ['an empty JSON body', { method: 'POST', url: '/admin/v1/webhooks', headers: { 'content-type': 'application/json' }, payload: '' }, 400, 'empty_json_body'],
      ['a text body', { method: 'POST', url: '/admin/v1/webhooks', headers: { 'content-type': 'text/plain' }, payload: 'hi' }, 415, 'unsupported_media_type'],
      ['a body over 1 MiB', { method: 'POST', url: '/admin/v1/webhooks', headers: { 'content-type': 'application/json' }, payload: `"${'x'.repeat(1_048_577)}"` }, 413, 'body_too_large'],
      ['a schema violation', { method: 'POST', url: '/admin/v1/webhooks', headers: { 'content-type': 'application/json' }, payload: '[{"name":""}]' }, 422, 'invalid'],
      ['a path id over 255 characters', { method: 'GET', url: `/admin/v1/webhooks/${'w'.repeat(256)}` }, 422, 'path_parameter_too_long'],
      ['bad percent-encoding', { method: 'GET', url: '/admin/v1/webhooks/%E0%A4%A' }, 400, 'malformed_url'],
      ['an unknown route', { method: 'GET', url: '/admin/v1/no-such-route' }, 404, 'route_not_found'],
      ['no API key', { method: 'GET', url: '/admin/v1/webhooks', headers: { 'x-api-key': '' } }, 401, 'unauthorized'],
    ];
    for (const [what, request, status, code] of cases) {
      const response = await rawRequest(laurel, request);
      assertError(response, status);
      assert.equal(response.body.code, code, what);
    }
  });

  test("the dashboard's files: a stale If-Match is 412 and a range past the end 416, in the same body", async () => {
    const stale = await laurel.app!.inject({ method: 'GET', url: '/assets/app-abc123.js', headers: { 'if-match': '"not-this-version"' } });
    assertError({ status: stale.statusCode, body: stale.json() }, 412);
    assert.equal(stale.json().code, 'precondition_failed');
    const range = await laurel.app!.inject({ method: 'GET', url: '/assets/app-abc123.js', headers: { range: `bytes=${SCRIPT.length + 10}-` } });
    assertError({ status: range.statusCode, body: range.json() }, 416);
    assert.equal(range.json().code, 'range_not_satisfiable');
    const file = await laurel.app!.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    assert.equal(file.statusCode, 200, 'the file itself is served');
  });
});
