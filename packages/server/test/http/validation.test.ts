/**
 * Bad input, case by case. Every refusal must be `{"error": "..."}` naming the field at fault,
 * with the right 4xx (never 500, never 409: Trophy's SDK retries 409), and must write nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { WEBHOOKS, createWebhook, webhookInput } from '../support/webhooks.js';
import { assertError, type ApiResponse } from '../support/assert-error.js';
import { WEBHOOK_TABLES, assertNothingWritten } from '../support/stored-state.js';
import { rawRequest } from './raw-request.js';

/** [what is wrong, the request, expected status, patterns the message must match] */
type Case<Input> = [title: string, input: Input, status: number, ...patterns: RegExp[]];

const createCases: Case<unknown>[] = [
  ['an empty name', [webhookInput({ name: '' })], 422, /body\[0\]\.name: must not be empty/],
  ['a blank name', [webhookInput({ name: '   ' })], 422, /body\[0\]\.name: must not be empty/],
  ['a 256-character name', [webhookInput({ name: 'n'.repeat(256) })], 422, /body\[0\]\.name: must be at most 255 characters/],
  ['a name that is not a string', [webhookInput({ name: 42 })], 422, /body\[0\]\.name: .*expected string/],
  ['a name with a NUL character', [webhookInput({ name: 'a\u0000b' })], 422, /body\[0\]\.name: must not contain NUL/],
  ['a missing url', [{ name: 'x', events: ['streak.lost'] }], 422, /body\[0\]\.url: .*expected string/],
  ['a relative url', [webhookInput({ url: '/webhooks' })], 422, /body\[0\]\.url: must be an absolute http or https URL/],
  ['a url without a scheme', [webhookInput({ url: 'example.com/webhooks' })], 422, /body\[0\]\.url: must be an absolute/],
  ['a url without slashes', [webhookInput({ url: 'https:example.com' })], 422, /body\[0\]\.url: must be an absolute/],
  ['a url without a host', [webhookInput({ url: 'http://' })], 422, /body\[0\]\.url: must be an absolute/],
  ['an ftp: url', [webhookInput({ url: 'ftp://example.com/webhooks' })], 422, /body\[0\]\.url: must be an absolute http or https URL/],
  ['a javascript: url', [webhookInput({ url: 'javascript:alert(1)' })], 422, /body\[0\]\.url: must be an absolute http or https URL/],
  ['a url with credentials', [webhookInput({ url: 'https://user:pass@example.com/hooks' })], 422, /body\[0\]\.url: must not contain a user name or password/],
  ['a 2049-character url', [webhookInput({ url: 'https://example.com/'.padEnd(2049, 'x') })], 422, /body\[0\]\.url: must be at most 2048 characters/],
  ['a url with a NUL character', [webhookInput({ url: 'https://example.com/\u0000' })], 422, /body\[0\]\.url: must not contain NUL/],
  ['no events', [webhookInput({ events: [] })], 422, /body\[0\]\.events: subscribe to at least one event type/],
  ['missing events', [{ name: 'x', url: 'https://example.com' }], 422, /body\[0\]\.events: .*expected array/],
  ['events that are not an array', [webhookInput({ events: 'achievement.completed' })], 422, /body\[0\]\.events: .*expected array, received string/],
  [
    'an unknown event type',
    [webhookInput({ events: ['achievement.completed', 'user.created'] })],
    422,
    /body\[0\]\.events\[1\]: unknown event type "user\.created"; expected one of achievement\.completed, /,
  ],
  ['an event type that is an Object method name', [webhookInput({ events: ['toString'] })], 422, /unknown event type "toString"/],
  ['enabled as a string', [webhookInput({ enabled: 'yes' })], 422, /body\[0\]\.enabled: .*expected boolean/],
  ['enabled as a number', [webhookInput({ enabled: 1 })], 422, /body\[0\]\.enabled: .*expected boolean/],
  ['a timeout under 1 s', [webhookInput({ timeoutMs: 999 })], 422, /body\[0\]\.timeoutMs: .*>=1000/],
  ['a timeout over 60 s', [webhookInput({ timeoutMs: 60_001 })], 422, /body\[0\]\.timeoutMs: .*<=60000/],
  ['a fractional timeout', [webhookInput({ timeoutMs: 1500.5 })], 422, /body\[0\]\.timeoutMs: .*int/],
  ['a timeout as a string', [webhookInput({ timeoutMs: '5000' })], 422, /body\[0\]\.timeoutMs: .*expected number/],
  ['a body that is one webhook, not a list', webhookInput(), 422, /^body: must be a list of webhooks, even for one: \[\{"name"/],
  ['a body that is a string', 'hook', 422, /^body: must be a list of webhooks: \[/],
  ['an empty array', [], 422, /body: send at least one webhook/],
  ['101 webhooks', Array.from({ length: 101 }, () => webhookInput()), 422, /body: at most 100 webhooks per request/],
  ['a null item', [null], 422, /body\[0\]: .*expected object/],
  [
    'a batch whose second of three items is invalid',
    [webhookInput(), webhookInput({ url: 'not a url' }), webhookInput()],
    422,
    /^body\[1\]\.url: must be an absolute http or https URL/,
  ],
  [
    'several problems at once (all are named)',
    [{ name: '', url: 'ftp://x', events: [] }],
    422,
    /body\[0\]\.name: must not be empty/,
    /body\[0\]\.url: must be an absolute/,
    /body\[0\]\.events: subscribe to at least one event type/,
  ],
];

/** Cases for PATCH; `{id}` in an item stands for an existing webhook. */
const updateCases: Case<unknown>[] = [
  ['an item with only an id', [{ id: '{id}' }], 422, /body\[0\]: give at least one field to change besides id/],
  ['an item without an id', [{ name: 'renamed' }], 422, /body\[0\]\.id: .*expected string/],
  ['an id with a NUL character', [{ id: 'a\u0000', name: 'renamed' }], 422, /body\[0\]\.id: must not contain NUL/],
  ['an empty name', [{ id: '{id}', name: '' }], 422, /body\[0\]\.name: must not be empty/],
  ['an ftp: url', [{ id: '{id}', url: 'ftp://example.com' }], 422, /body\[0\]\.url: must be an absolute http or https URL/],
  ['no events', [{ id: '{id}', events: [] }], 422, /body\[0\]\.events: subscribe to at least one event type/],
  ['events set to null', [{ id: '{id}', events: null }], 422, /body\[0\]\.events: .*expected array/],
  ['an unknown event type', [{ id: '{id}', events: ['streak.paused'] }], 422, /body\[0\]\.events\[0\]: unknown event type "streak\.paused"/],
  ['enabled as a string', [{ id: '{id}', enabled: 'false' }], 422, /body\[0\]\.enabled: .*expected boolean/],
  ['a zero timeout', [{ id: '{id}', timeoutMs: 0 }], 422, /body\[0\]\.timeoutMs: /],
  ['a body that is one change, not a list', { id: '{id}', name: 'renamed' }, 422, /^body: must be a list of changes, even for one: \[\{"id"/],
  ['an empty array', [], 422, /body: send at least one change/],
  [
    'a valid change next to an invalid one (neither is applied)',
    [{ id: '{id}', name: 'renamed' }, { id: '{id}', url: 'mailto:ops@example.com' }],
    422,
    /^body\[1\]\.url: must be an absolute/,
  ],
];

const listCases: Case<string>[] = [
  ['limit=0', '?limit=0', 422, /querystring\.limit: .*>=1/],
  ['limit=101', '?limit=101', 422, /querystring\.limit: .*<=100/],
  ['limit=abc', '?limit=abc', 422, /querystring\.limit: /],
  ['limit=1.5', '?limit=1.5', 422, /querystring\.limit: .*int/],
  ['skip=-1', '?skip=-1', 422, /querystring\.skip: .*>=0/],
];

const deleteCases: Case<string>[] = [
  ['no ids parameter', '', 422, /querystring\.ids: is required/],
  ['an empty ids parameter', '?ids=', 422, /querystring\.ids: at least one id is required/],
  ['101 ids', `?ids=${Array.from({ length: 101 }, (_, i) => `id${i}`).join(',')}`, 422, /querystring\.ids: at most 100 ids per request/],
  ['an id with a NUL character', '?ids=a%00b', 422, /querystring\.ids\[0\]: must not contain NUL/],
];

forEachBackend('management API input validation', (database) => {
  let laurel: TestLaurel;
  let existing: { id: string };

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    existing = await createWebhook(laurel);
  });
  after(() => laurel.close());

  /** Sends the request, asserts nothing was stored, then that the answer is the expected `{error}`. */
  async function refused(send: () => Promise<ApiResponse>, status: number, patterns: RegExp[]): Promise<void> {
    assertError(await assertNothingWritten(laurel, WEBHOOK_TABLES, send), status, ...patterns);
  }

  describe('create', () => {
    for (const [title, body, status, ...patterns] of createCases) {
      test(`refuses ${title}`, () => refused(() => laurel.api('POST', WEBHOOKS, { body }), status, patterns));
    }
  });

  describe('update', () => {
    const withExisting = (body: unknown) => JSON.parse(JSON.stringify(body).replaceAll('{id}', existing.id));
    for (const [title, body, status, ...patterns] of updateCases) {
      test(`refuses ${title}`, () => refused(() => laurel.api('PATCH', WEBHOOKS, { body: withExisting(body) }), status, patterns));
    }
  });

  describe('list and delete queries', () => {
    for (const [title, query, status, ...patterns] of listCases) {
      test(`list refuses ${title}`, () => refused(() => laurel.api('GET', `${WEBHOOKS}${query}`), status, patterns));
    }
    for (const [title, query, status, ...patterns] of deleteCases) {
      test(`delete refuses ${title}`, () => refused(() => laurel.api('DELETE', `${WEBHOOKS}${query}`), status, patterns));
    }
  });

  describe('request bodies', () => {
    const post = (headers: Record<string, string>, payload?: string | Buffer) =>
      rawRequest(laurel, { method: 'POST', url: WEBHOOKS, headers, ...(payload === undefined ? {} : { payload }) });
    const json = { 'content-type': 'application/json' };
    const valid = JSON.stringify([webhookInput()]);

    test('malformed JSON is 400', () => refused(() => post(json, '[{"name": "a",'), 400, [/Malformed JSON in request body/]));
    test('JSON with a __proto__ key is 400', () => refused(() => post(json, '[{"__proto__": {"admin": true}}]'), 400, [/Malformed JSON/]));
    test('an empty body declared as JSON is 400', () => refused(() => post(json, ''), 400, [/Request body is empty/]));
    test('a JSON body sent as text/plain is 415', () =>
      refused(() => post({ 'content-type': 'text/plain' }, valid), 415, [/Unsupported content-type "text\/plain": send application\/json/]));
    test('a form body is 415', () =>
      refused(() => post({ 'content-type': 'application/x-www-form-urlencoded' }, 'name=x'), 415, [/application\/x-www-form-urlencoded/]));
    test('a body without a content-type is 415', () => refused(() => post({}, valid), 415, [/Missing content-type: send application\/json/]));
    test('a body over 1 MiB is 413', () => {
      const oversize = JSON.stringify([webhookInput({ name: 'x'.repeat(1_048_576) })]);
      return refused(() => post(json, oversize), 413, [/Request body exceeds 1048576 bytes/]);
    });
    test('application/json with a charset is accepted', async () => {
      const response = await post({ 'content-type': 'application/json; charset=utf-8' }, valid);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      await laurel.api('DELETE', `${WEBHOOKS}?ids=${response.body.created[0].id}`);
    });
  });

  describe('routes and paths', () => {
    test('an unknown route is a JSON 404', () =>
      refused(() => laurel.api('GET', '/admin/v1/achievements-of-the-day'), 404, [/Route GET \/admin\/v1\/achievements-of-the-day not found/]));
    test('an unknown route is a JSON 404 without a key too', () =>
      refused(() => laurel.api('GET', '/nowhere', { key: null }), 404, [/Route GET \/nowhere not found/]));
    test('a method a route does not have is a JSON 404', () =>
      refused(() => rawRequest(laurel, { method: 'PUT', url: WEBHOOKS, headers: { 'content-type': 'application/json' }, payload: '[]' }), 404, [
        /Route PUT \/admin\/v1\/webhooks not found/,
      ]));
    test('a malformed percent-encoding in the path is a JSON 400', () =>
      refused(() => laurel.api('GET', `${WEBHOOKS}/%ZZ`), 400, [/Malformed URL \/admin\/v1\/webhooks\/%ZZ/]));
    test('an id over 255 characters is a JSON 422', () =>
      refused(() => laurel.api('GET', `${WEBHOOKS}/${'x'.repeat(300)}`), 422, [/longer than 255 characters/]));
    test('an id with a NUL character is a JSON 422', () =>
      refused(() => laurel.api('GET', `${WEBHOOKS}/a%00b/secret`), 422, [/params\.id: must not contain NUL/]));
    test('a delivery id with a NUL character is a JSON 422', () =>
      refused(() => laurel.api('GET', `${WEBHOOKS}/${existing.id}/deliveries/a%00b`), 422, [/params\.deliveryId: must not contain NUL/]));
  });
});
