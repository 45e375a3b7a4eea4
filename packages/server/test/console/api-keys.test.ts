import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { request, setUpOwner, type Browser } from './console.js';

const KEYS = '/admin/v1/api-keys';

forEachBackend('admin API: api-keys', (database) => {
  let laurel: TestLaurel;
  let browser: Browser;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    browser = await setUpOwner(laurel);
  });
  after(() => laurel.close());

  test('list shows the environment\'s keys without their secrets', async () => {
    const listed = await laurel.api('GET', KEYS);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.map((k: any) => k.name),
      ['test-development'],
    );
    const [key] = listed.body;
    assert.deepEqual(Object.keys(key).sort(), ['created', 'id', 'lastUsed', 'name', 'prefix', 'revoked']);
    assert.equal(key.prefix, laurel.keys.development.split('.')[0]);
    assert.equal(key.revoked, false);
    assert.equal(typeof key.lastUsed, 'string', 'the list call itself used the key');
    assert.ok(!JSON.stringify(listed.body).includes(laurel.keys.development.split('.')[1]!));
    const production = await laurel.api('GET', KEYS, { key: laurel.keys.production });
    assert.deepEqual(
      production.body.map((k: any) => k.name),
      ['test-production'],
    );
    assertError(await laurel.api('GET', `${KEYS}?limit=0`), 422, /limit/);
  });

  test('create (from a session) answers the key once; it authenticates for that environment', async () => {
    const created = await request(laurel, 'POST', KEYS, { as: browser, environment: 'development', body: { name: ' ci ' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(Object.keys(created.body).sort(), ['created', 'id', 'key', 'lastUsed', 'name', 'prefix', 'revoked']);
    assert.equal(created.body.name, 'ci');
    assert.equal(created.body.lastUsed, null);
    assert.equal(created.body.revoked, false);
    assert.match(created.body.key, new RegExp(`^${created.body.prefix}\\.[A-Za-z0-9_-]{43}$`));
    assert.match(created.body.prefix, /^dev_[a-z0-9]{8}$/, 'marked with the environment\'s kind');
    const listed = await laurel.api('GET', KEYS, { key: created.body.key });
    assert.equal(listed.status, 200);
    // (The harness's keys are stamped with the real time, the rest with the test clock: compare as sets.)
    assert.deepEqual(listed.body.map((k: any) => k.name).sort(), ['ci', 'test-development']);
    assertError(await laurel.api('POST', KEYS, { body: { name: '' } }), 422, /name/);
    assertError(await laurel.api('POST', KEYS, { body: { name: 'n'.repeat(256) } }), 422, /name/);
    assertError(await laurel.api('POST', KEYS, { body: {} }), 422, /name/);
    assertError(await request(laurel, 'POST', KEYS, { as: browser, csrf: false, environment: 'development', body: { name: 'x' } }), 403);
  });

  test('revoke makes the key 401 at once; re-activating makes it work again', async () => {
    const created = await laurel.api('POST', KEYS, { body: { name: 'revocable' } });
    assert.equal(created.status, 201);
    const { id, key } = created.body;
    const revoked = await laurel.api('PATCH', `${KEYS}/${id}`, { body: { revoked: true } });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.revoked, true);
    assert.equal(revoked.body.key, undefined);
    assertError(await laurel.api('GET', KEYS, { key }), 401);
    assert.equal((await laurel.api('PATCH', `${KEYS}/${id}`, { body: { revoked: true } })).status, 200, 'revoking twice is fine');
    const active = await laurel.api('PATCH', `${KEYS}/${id}`, { body: { revoked: false } });
    assert.equal(active.body.revoked, false);
    assert.equal((await laurel.api('GET', KEYS, { key })).status, 200);
    assertError(await laurel.api('PATCH', `${KEYS}/${id}`, { body: { revoked: 'yes' } }), 422, /revoked/);
  });

  test('delete: 204, the key stops working and leaves the list', async () => {
    const created = await laurel.api('POST', KEYS, { body: { name: 'deletable' } });
    const deleted = await laurel.api('DELETE', `${KEYS}/${created.body.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, '');
    assertError(await laurel.api('GET', KEYS, { key: created.body.key }), 401);
    assert.ok(!(await laurel.api('GET', `${KEYS}?limit=100`)).body.some((k: any) => k.id === created.body.id));
    assertError(await laurel.api('DELETE', `${KEYS}/${created.body.id}`), 404, /API key/);
  });

  test('another environment\'s key id is 404 for every call, and that key keeps working', async () => {
    const productionKeyId = (await laurel.api('GET', KEYS, { key: laurel.keys.production })).body[0].id;
    assertError(await laurel.api('PATCH', `${KEYS}/${productionKeyId}`, { body: { revoked: true } }), 404);
    assertError(await laurel.api('DELETE', `${KEYS}/${productionKeyId}`), 404);
    assertError(await request(laurel, 'DELETE', `${KEYS}/${productionKeyId}`, { as: browser, environment: 'development' }), 404);
    assert.equal((await laurel.api('GET', KEYS, { key: laurel.keys.production })).status, 200);
  });
});
