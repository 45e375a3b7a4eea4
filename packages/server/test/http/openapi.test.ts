import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { catalog } from '../../src/events/catalog.js';
import { eventAreas, eventTypes, type EventType } from '../../src/events/event-types.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { WEBHOOKS, createWebhook, webhookInput } from '../support/webhooks.js';
import { assertError } from '../support/assert-error.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

type Json = Record<string, any>;

/** The webhook management extension as users see it: every route, by method and OpenAPI path. */
const adminRoutes = [
  'GET /admin/v1/webhooks',
  'POST /admin/v1/webhooks',
  'PATCH /admin/v1/webhooks',
  'DELETE /admin/v1/webhooks',
  'GET /admin/v1/webhooks/{id}',
  'GET /admin/v1/webhooks/{id}/secret',
  'POST /admin/v1/webhooks/{id}/secret/rotate',
  'POST /admin/v1/webhooks/{id}/test',
  'GET /admin/v1/webhooks/{id}/deliveries',
  'GET /admin/v1/webhooks/{id}/deliveries/{deliveryId}',
  'POST /admin/v1/webhooks/{id}/deliveries/{deliveryId}/resend',
  'POST /admin/v1/webhooks/{id}/recover',
  'GET /admin/v1/webhook-event-types',
  'GET /admin/v1/webhook-events/stream',
  'POST /admin/v1/webhook-events/test',
  'GET /admin/v1/webhook-events/{id}/listeners',
  'PUT /admin/v1/webhook-events/{id}/listeners/{session}',
].sort();

/** Routes that answer with Server-Sent Events instead of JSON. */
const eventStreams = new Set(['GET /admin/v1/webhook-events/stream']);

const withBody = new Set([
  'POST /admin/v1/webhooks',
  'PATCH /admin/v1/webhooks',
  'POST /admin/v1/webhooks/{id}/secret/rotate',
  'POST /admin/v1/webhooks/{id}/test',
  'POST /admin/v1/webhooks/{id}/recover',
  'POST /admin/v1/webhook-events/test',
  'PUT /admin/v1/webhook-events/{id}/listeners/{session}',
]);

/** The router's own list of routes (from Fastify's printRoutes tree), HEAD left out, paths in OpenAPI form. */
function registeredRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

function operations(doc: Json): [route: string, operation: Json][] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation as Json] as [string, Json]),
  );
}

forEachBackend('API description', (database) => {
  let laurel: TestLaurel;
  let doc: Json;
  let ajv: Ajv2020;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    const response = await laurel.api('GET', '/openapi.json', { key: null });
    assert.equal(response.status, 200);
    doc = response.body;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
  });
  after(() => laurel.close());

  /** A validator for a schema of the document; its `#/components/...` references resolve against the document. */
  function validator(schema: Json): (value: unknown) => string[] {
    const validate = ajv.compile({ ...schema, components: doc.components });
    return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`));
  }
  const jsonSchema = (holder: Json | undefined): Json | undefined => holder?.content?.['application/json']?.schema;
  const operation = (route: string): Json => {
    const [method, path] = route.split(' ') as [string, string];
    return doc.paths[path][method.toLowerCase()];
  };

  test('/healthz answers 200 without a key and names the backend', async () => {
    const response = await laurel.api('GET', '/healthz', { key: null });
    assert.equal(response.status, 200);
    assert.equal(response.body.status, 'ok');
    assert.equal(response.body.database, database().kind);
  });

  test('/openapi.json is an OpenAPI 3.1 document with the X-API-KEY scheme', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(typeof doc.info.title, 'string');
    assert.match(doc.info.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(doc.components.securitySchemes.ApiKeyAuth, { type: 'apiKey', in: 'header', name: 'X-API-KEY' });
    assert.deepEqual(doc.security, [{ ApiKeyAuth: [] }]);
  });

  test('it describes every API route the server has, and no other', () => {
    const isApi = (route: string) => / \/(admin\/)?v1\//.test(route);
    const documented = operations(doc).map(([route]) => route).filter(isApi).sort();
    const served = registeredRoutes(laurel.app!).filter(isApi).sort();
    assert.deepEqual(documented, served, 'the document lists exactly the routes the router serves');
    for (const route of adminRoutes) assert.ok(served.includes(route), `${route} is served`);
  });

  test('each route has a summary, its parameters, JSON request and response schemas, and ErrorBody errors', () => {
    for (const [route, op] of operations(doc).filter(([route]) => / \/(admin\/)?v1\//.test(route))) {
      assert.equal(typeof op.summary, 'string', `${route}: summary`);
      const params: Json[] = op.parameters ?? [];
      for (const [, name] of route.matchAll(/\{(\w+)\}/g)) {
        assert.ok(params.some((p) => p.in === 'path' && p.name === name && p.required === true), `${route}: path parameter ${name}`);
      }
      if (withBody.has(route) || op.requestBody) assert.ok(jsonSchema(op.requestBody), `${route}: request body schema`);
      if (route.startsWith('GET ') || route.startsWith('DELETE ')) assert.equal(op.requestBody, undefined, `${route}: no request body`);

      const success = Object.keys(op.responses).filter((status) => status.startsWith('2'));
      assert.ok(success.length >= 1, `${route}: a success response`);
      // A 204 has no body (RFC 9110), so no schema either; an event stream is described as text/event-stream.
      for (const status of success.filter((status) => status !== '204')) {
        const schema = eventStreams.has(route) ? op.responses[status]?.content?.['text/event-stream']?.schema : jsonSchema(op.responses[status]);
        assert.ok(schema, `${route}: ${status} response schema`);
      }
      if (op.responses['204']) assert.equal(op.responses['204'].content, undefined, `${route}: 204 has no content`);
      const errorStatuses = ['401', ...(op.requestBody ? ['413', '415'] : [])];
      for (const status of errorStatuses) {
        assert.deepEqual(jsonSchema(op.responses[status]), { $ref: '#/components/schemas/ErrorBody' }, `${route}: ${status}`);
      }
    }
    const queryOf = (route: string) => (operation(route).parameters as Json[]).filter((p) => p.in === 'query').map((p) => p.name);
    assert.deepEqual(queryOf('GET /admin/v1/webhooks').sort(), ['limit', 'skip']);
    assert.deepEqual(queryOf('DELETE /admin/v1/webhooks'), ['ids']);
    assert.deepEqual(queryOf('GET /admin/v1/webhooks/{id}/deliveries').sort(), ['eventType', 'limit', 'skip', 'status']);
    assert.deepEqual(queryOf('GET /admin/v1/webhook-events/stream').sort(), ['after', 'forwardTo', 'session', 'types']);
    const streamHeaders = (operation('GET /admin/v1/webhook-events/stream').parameters as Json[]).filter((p) => p.in === 'header').map((p) => p.name);
    assert.deepEqual(streamHeaders, ['last-event-id']);
  });

  test('every $ref resolves and every schema compiles as JSON Schema 2020-12', () => {
    const refs = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.add(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    for (const ref of refs) {
      const target = ref.replace(/^#\//, '').split('/').reduce<any>((node, part) => node?.[part], doc);
      assert.ok(target, `${ref} resolves`);
    }
    for (const [route, op] of operations(doc)) {
      const schemas = [jsonSchema(op.requestBody), ...Object.values(op.responses as Json).map(jsonSchema), ...(op.parameters ?? []).map((p: Json) => p.schema)];
      for (const schema of schemas.filter(Boolean)) assert.doesNotThrow(() => validator(schema), `${route}: a schema does not compile`);
    }
  });

  test('the documented schemas match what the API actually accepts and answers', async () => {
    const createOp = operation('POST /admin/v1/webhooks');
    const request = validator(jsonSchema(createOp.requestBody)!);
    assert.deepEqual(request([webhookInput()]), []);
    assert.notDeepEqual(request([webhookInput({ events: ['user.created'] })]), [], 'the documented enum refuses unknown event types');
    assert.notDeepEqual(request([webhookInput({ name: 'n'.repeat(256) })]), [], 'the documented name length is 255');
    const webhookSchema = validator(jsonSchema(operation('GET /admin/v1/webhooks/{id}').responses['200'])!);
    assert.notDeepEqual(webhookSchema({ id: 'x' }), [], 'the documented response requires every field');

    const created = await laurel.api('POST', WEBHOOKS, { body: [webhookInput()] });
    const id = created.body.created[0].id;
    const emitted = await laurel.api('POST', '/admin/v1/webhook-events/test', { body: { type: 'streak.lost' } });
    const answers: [route: string, status: string, response: { status: number; body: unknown }][] = [
      ['POST /admin/v1/webhooks', '201', created],
      ['GET /admin/v1/webhooks', '200', await laurel.api('GET', WEBHOOKS)],
      ['GET /admin/v1/webhooks/{id}', '200', await laurel.api('GET', `${WEBHOOKS}/${id}`)],
      ['PATCH /admin/v1/webhooks', '200', await laurel.api('PATCH', WEBHOOKS, { body: [{ id, name: 'renamed' }, { id: 'missing', name: 'x' }] })],
      ['POST /admin/v1/webhooks/{id}/secret/rotate', '200', await laurel.api('POST', `${WEBHOOKS}/${id}/secret/rotate`, { body: {} })],
      ['GET /admin/v1/webhooks/{id}/secret', '200', await laurel.api('GET', `${WEBHOOKS}/${id}/secret`)],
      ['POST /admin/v1/webhooks/{id}/test', '202', await laurel.api('POST', `${WEBHOOKS}/${id}/test`, { body: { type: 'streak.lost' } })],
      ['GET /admin/v1/webhooks/{id}/deliveries', '200', await laurel.api('GET', `${WEBHOOKS}/${id}/deliveries`)],
      ['GET /admin/v1/webhook-event-types', '200', await laurel.api('GET', '/admin/v1/webhook-event-types')],
      ['POST /admin/v1/webhook-events/test', '202', emitted],
      ['GET /admin/v1/webhook-events/{id}/listeners', '200', await laurel.api('GET', `/admin/v1/webhook-events/${emitted.body.eventId}/listeners`)],
      ['GET /admin/v1/webhooks/{id}', '404', await laurel.api('GET', `${WEBHOOKS}/missing`)],
      ['GET /admin/v1/webhooks', '401', await laurel.api('GET', WEBHOOKS, { key: null })],
      ['DELETE /admin/v1/webhooks', '200', await laurel.api('DELETE', `${WEBHOOKS}?ids=${id},missing`)],
    ];
    for (const [route, status, response] of answers) {
      assert.equal(String(response.status), status, `${route}: ${JSON.stringify(response.body)}`);
      const schema = jsonSchema(operation(route).responses[status]);
      assert.deepEqual(validator(schema!)(response.body), [], `${route} ${status} matches its documented schema`);
    }
  });

  test('GET /admin/v1/webhook-event-types lists the 18 types with area, title, description, live and a sample', async () => {
    assertError(await laurel.api('GET', '/admin/v1/webhook-event-types', { key: null }), 401);
    const response = await laurel.api('GET', '/admin/v1/webhook-event-types');
    assert.equal(response.status, 200);
    assert.equal(response.body.length, 18);
    assert.deepEqual(
      response.body.map((entry: Json) => entry.type),
      [...eventTypes],
    );
    for (const entry of response.body as Json[]) {
      assert.deepEqual(Object.keys(entry).sort(), ['area', 'description', 'live', 'sample', 'title', 'type']);
      assert.equal(entry.live, catalog[entry.type as EventType].live, `${entry.type}: live as the catalog says`);
      assert.ok((eventAreas as readonly string[]).includes(entry.area), `${entry.type}: area ${entry.area}`);
      assert.ok(entry.title.length > 0 && entry.description.length > 0, `${entry.type}: title and description`);
      assert.equal(entry.sample.type, entry.type, `${entry.type}: the sample is of its own type`);
    }
  });

  test('a webhook created from the event-type list subscribes to every type', async () => {
    const types = (await laurel.api('GET', '/admin/v1/webhook-event-types')).body.map((entry: Json) => entry.type);
    const created = await createWebhook(laurel, { events: types });
    assert.deepEqual(created.events, types);
  });
});
