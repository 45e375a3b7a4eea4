import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { adminSchemaValidator } from '../support/reference-schemas.js';
import { assertError } from '../support/assert-error.js';
import { fixturesFor } from '../support/fixtures.js';

const ATTRIBUTES = '/admin/v1/attributes';
const UNKNOWN_ID = '3b241101-e2bb-4255-8caf-4136c566a962';

/** Asserts that a body matches a schema of Trophy's Admin API document (skipped when the document is absent). */
function assertMatchesReference(schemaName: string, body: unknown): void {
  const validate = adminSchemaValidator(schemaName);
  if (!validate) return;
  assert.deepEqual(validate(body), [], `${schemaName}: ${JSON.stringify(body).slice(0, 300)}`);
}

let sequence = 0;
const uniqueKey = (prefix = 'attr') => `${prefix}_${++sequence}`;

forEachBackend('attributes admin API', (database) => {
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
  });
  after(() => laurel.close());

  const create = async (items: unknown[], key?: string) => {
    const response = await laurel.api('POST', ATTRIBUTES, { body: items, ...(key ? { key } : {}) });
    return response;
  };
  const createOne = async (item: Record<string, unknown> = {}, key?: string) => {
    const response = await create([{ name: 'An attribute', key: uniqueKey(), type: 'user', ...item }], key);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.created[0];
  };
  const rowCount = async () => Number((await laurel.backend.db.selectFrom('attributes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  test('create takes an array and answers 201 with {created, issues} in the shape of Trophy\'s schema', async () => {
    const response = await create([
      { name: 'Plan', key: 'plan', type: 'user' },
      { name: 'Device', key: 'device', type: 'event' },
      { name: 'Plan of the event', key: 'plan', type: 'event' },
    ]);
    assert.equal(response.status, 201);
    assertMatchesReference('CreateAttributesResponse', response.body);
    const [plan, device, eventPlan] = response.body.created;
    assert.deepEqual(response.body, {
      created: [
        { id: plan.id, name: 'Plan', key: 'plan', type: 'user' },
        { id: device.id, name: 'Device', key: 'device', type: 'event' },
        { id: eventPlan.id, name: 'Plan of the event', key: 'plan', type: 'event' },
      ],
      issues: [],
    });
    assert.equal(new Set([plan.id, device.id, eventPlan.id]).size, 3);
  });

  test('get returns the attribute as created', async () => {
    const created = await createOne({ name: 'Country', type: 'event' });
    const response = await laurel.api('GET', `${ATTRIBUTES}/${created.id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, created);
    assertMatchesReference('AdminAttribute', response.body);
  });

  test('get of an unknown id answers 404 naming it', async () => {
    assertError(await laurel.api('GET', `${ATTRIBUTES}/${UNKNOWN_ID}`), 404, new RegExp(`Attribute not found: ${UNKNOWN_ID}`));
    assertError(await laurel.api('GET', `${ATTRIBUTES}/not-a-uuid`), 404, /Attribute not found: not-a-uuid/);
  });

  test('list returns the oldest first, 10 by default, and pages with limit and skip', async () => {
    const key = (await fixturesFor(laurel, 'attribute-paging')).key;
    const items = Array.from({ length: 24 }, (_, i) => ({ name: `Attribute ${i}`, key: `key-${i}`, type: i % 2 ? 'user' : 'event' }));
    const created = await create(items, key);
    assert.equal(created.status, 201);
    const page = async (query: string) => {
      const response = await laurel.api('GET', `${ATTRIBUTES}${query}`, { key });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assertMatchesReference('ListAttributesResponse', response.body);
      return response.body.map((a: any) => a.key) as string[];
    };
    const all = await page('?limit=100');
    assert.deepEqual(all, items.map((item) => item.key), 'in the order they were created');
    assert.deepEqual(await page(''), all.slice(0, 10), 'limit defaults to 10 and skip to 0');
    assert.deepEqual(await page('?skip=10'), all.slice(10, 20));
    assert.deepEqual(await page('?limit=7&skip=20'), all.slice(20, 24));
    assert.deepEqual(await page('?skip=24'), []);
    assertError(await laurel.api('GET', `${ATTRIBUTES}?limit=0`, { key }), 422, /limit/);
    assertError(await laurel.api('GET', `${ATTRIBUTES}?limit=101`, { key }), 422, /limit/);
    assertError(await laurel.api('GET', `${ATTRIBUTES}?skip=-1`, { key }), 422, /skip/);
  });

  test('a key in use by an attribute of the same type is an issue for that item; the others are created (201)', async () => {
    const existing = await createOne({ type: 'user' });
    const fresh = uniqueKey();
    const response = await create([
      { name: 'Taken', key: existing.key, type: 'user' },
      { name: 'Fresh', key: fresh, type: 'user' },
      { name: 'Same key, other type', key: existing.key, type: 'event' },
    ]);
    assert.equal(response.status, 201);
    assertMatchesReference('CreateAttributesResponse', response.body);
    assert.deepEqual(
      response.body.created.map((a: any) => [a.key, a.type]),
      [
        [fresh, 'user'],
        [existing.key, 'event'],
      ],
    );
    assert.deepEqual(response.body.issues, [{ index: 0, severity: 'error', message: 'Key already in use by another attribute of this type' }]);
  });

  test('a key repeated within one request: the later item gets the issue', async () => {
    const key = uniqueKey();
    const response = await create([
      { name: 'First', key, type: 'event' },
      { name: 'Second', key, type: 'event' },
    ]);
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.created.map((a: any) => a.name), ['First']);
    assert.equal(response.body.issues.length, 1);
    assert.equal(response.body.issues[0].index, 1);
    assert.equal(response.body.issues[0].severity, 'error');
    assert.match(response.body.issues[0].message, new RegExp(`Key "${key}" is already used by item 0`));
  });

  test('when no item can be created the answer is 200 with every issue, and nothing is written', async () => {
    const existing = await createOne();
    const before = await rowCount();
    const response = await create([
      { name: 'Again', key: existing.key, type: existing.type },
      { name: 'And again', key: existing.key, type: existing.type },
    ]);
    assert.equal(response.status, 200);
    assertMatchesReference('CreateAttributesResponse', response.body);
    assert.deepEqual(response.body.created, []);
    assert.deepEqual(response.body.issues.map((i: any) => i.index), [0, 1]);
    assert.equal(await rowCount(), before);
  });

  test('concurrent creates of one key: exactly one wins, the other gets an issue, never an error', async () => {
    const key = uniqueKey('race');
    const answers = await Promise.all(Array.from({ length: 4 }, () => create([{ name: 'Racer', key, type: 'user' }])));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 201]);
    assert.equal(answers.flatMap((a) => a.body.created).length, 1);
  });

  test('a key with characters other than letters, digits, - and _ is refused with 422 naming the item, and nothing is written', async () => {
    for (const key of ['has space', 'dot.ted', 'émoji', 'slash/', '']) {
      const before = await rowCount();
      const response = await create([
        { name: 'Fine', key: uniqueKey(), type: 'user' },
        { name: 'Bad', key, type: 'user' },
      ]);
      assertError(response, 422, /body\[1\]\.key/);
      assert.equal(await rowCount(), before, `nothing written for ${JSON.stringify(key)}`);
    }
    const ok = await create([{ name: 'Edge', key: `Aa0-_${uniqueKey()}`, type: 'user' }]);
    assert.equal(ok.status, 201, 'upper and lower case letters, digits, - and _ are all allowed');
    assertError(await create([{ name: 'Long', key: 'k'.repeat(256), type: 'user' }]), 422, /body\[0\]\.key: must be at most 255/);
  });

  test('bodies that do not fit the schema are refused whole with 422 naming the field', async () => {
    const before = await rowCount();
    const valid = () => ({ name: 'Valid', key: uniqueKey(), type: 'user' });
    assertError(await laurel.api('POST', ATTRIBUTES, { body: valid() }), 422, /body/);
    assertError(await create([]), 422, /at least one attribute/);
    assertError(await create(Array.from({ length: 101 }, valid)), 422, /at most 100 attributes/);
    assertError(await create([{ ...valid(), name: 42 }]), 422, /body\[0\]\.name/);
    assertError(await create([{ ...valid(), name: '   ' }]), 422, /body\[0\]\.name: must not be empty/);
    assertError(await create([{ ...valid(), type: 'tenant' }]), 422, /body\[0\]\.type: unknown attribute type "tenant"/);
    assertError(await create([{ name: 'No key', type: 'user' }]), 422, /body\[0\]\.key/);
    assertError(await create([{ name: 'No type', key: uniqueKey() }]), 422, /body\[0\]\.type: is required/);
    assertError(await create([{ ...valid(), typo: true }]), 422, /body\[0\]: unknown field "typo"/);
    assert.equal(await rowCount(), before);
    const hundred = await create(Array.from({ length: 100 }, valid));
    assert.equal(hundred.status, 201);
    assert.equal(hundred.body.created.length, 100);
  });

  test('update renames by id and answers {updated, issues}', async () => {
    const created = await createOne({ name: 'Plan', type: 'user' });
    const response = await laurel.api('PATCH', ATTRIBUTES, { body: [{ id: created.id, name: 'Subscription Plan' }] });
    assert.equal(response.status, 200);
    assertMatchesReference('UpdateAttributesResponse', response.body);
    const renamed = { ...created, name: 'Subscription Plan' };
    assert.deepEqual(response.body, { updated: [renamed], issues: [] });
    assert.deepEqual((await laurel.api('GET', `${ATTRIBUTES}/${created.id}`)).body, renamed);

    const unchanged = await laurel.api('PATCH', ATTRIBUTES, { body: [{ id: created.id }] });
    assert.deepEqual(unchanged.body, { updated: [renamed], issues: [] }, 'an item with only its id changes nothing');
  });

  test('update: unknown ids and repeated ids are issues; the other items are applied', async () => {
    const first = await createOne();
    const second = await createOne();
    const response = await laurel.api('PATCH', ATTRIBUTES, {
      body: [
        { id: first.id, name: 'First, renamed' },
        { id: UNKNOWN_ID, name: 'Ghost' },
        { id: 'not-a-uuid', name: 'Ghost' },
        { id: second.id, name: 'Second, renamed' },
        { id: first.id, name: 'First, renamed twice' },
      ],
    });
    assert.equal(response.status, 200);
    assertMatchesReference('UpdateAttributesResponse', response.body);
    assert.deepEqual(
      response.body.updated.map((a: any) => [a.id, a.name]),
      [
        [first.id, 'First, renamed'],
        [second.id, 'Second, renamed'],
      ],
    );
    assert.deepEqual(response.body.issues.slice(0, 2), [
      { id: UNKNOWN_ID, severity: 'error', message: 'Attribute not found by ID' },
      { id: 'not-a-uuid', severity: 'error', message: 'id must be a valid UUID' },
    ]);
    assert.equal(response.body.issues[2].id, first.id);
    assert.match(response.body.issues[2].message, /more than once/);
    assert.equal((await laurel.api('GET', `${ATTRIBUTES}/${first.id}`)).body.name, 'First, renamed');
  });

  test('key and type cannot be changed: an update naming them is refused with 422, and nothing changes', async () => {
    const created = await createOne({ type: 'user' });
    for (const change of [{ key: 'renamed-key' }, { type: 'event' }, { key: created.key, type: 'user' }]) {
      const response = await laurel.api('PATCH', ATTRIBUTES, { body: [{ id: created.id, name: 'Renamed', ...change }] });
      assertError(response, 422, /body\[0\]/, /cannot be changed/, new RegExp(Object.keys(change).join(' and ')));
    }
    assertError(await laurel.api('PATCH', ATTRIBUTES, { body: [{ id: created.id, nmae: 'typo' }] }), 422, /unknown field "nmae"/);
    assertError(await laurel.api('PATCH', ATTRIBUTES, { body: [{ name: 'no id' }] }), 422, /body\[0\]\.id/);
    assertError(await laurel.api('PATCH', ATTRIBUTES, { body: [] }), 422, /at least one change/);
    assert.deepEqual((await laurel.api('GET', `${ATTRIBUTES}/${created.id}`)).body, created);
  });

  test('delete takes ?ids=a,b or ?ids=a&ids=b and reports unknown ids as issues', async () => {
    const [a, b, c, d, kept] = [await createOne(), await createOne(), await createOne(), await createOne(), await createOne()];
    const commaSeparated = await laurel.api('DELETE', `${ATTRIBUTES}?ids=${a.id},${b.id}`);
    assert.equal(commaSeparated.status, 200);
    assertMatchesReference('DeleteAttributesResponse', commaSeparated.body);
    assert.deepEqual(commaSeparated.body, { deleted: [{ id: a.id }, { id: b.id }], issues: [] });

    const repeated = await laurel.api('DELETE', `${ATTRIBUTES}?ids=${c.id}&ids=${d.id}&ids=not-a-uuid&ids=${a.id}&ids=${c.id}`);
    assert.equal(repeated.status, 200);
    assertMatchesReference('DeleteAttributesResponse', repeated.body);
    assert.deepEqual(repeated.body, {
      deleted: [{ id: c.id }, { id: d.id }],
      issues: [
        { id: 'not-a-uuid', severity: 'error', message: 'id must be a valid UUID' },
        { id: a.id, severity: 'error', message: 'Attribute not found by ID' },
      ],
    });
    for (const gone of [a, b, c, d]) assertError(await laurel.api('GET', `${ATTRIBUTES}/${gone.id}`), 404);
    assert.equal((await laurel.api('GET', `${ATTRIBUTES}/${kept.id}`)).status, 200);

    const again = await create([{ name: 'Reused', key: a.key, type: a.type }]);
    assert.equal(again.status, 201, 'a deleted attribute frees its key');

    assertError(await laurel.api('DELETE', ATTRIBUTES), 422, /ids/);
    assertError(await laurel.api('DELETE', `${ATTRIBUTES}?ids=`), 422, /ids/);
  });

  test('every call is scoped to the key\'s environment', async () => {
    const production = laurel.keys.production;
    const development = await createOne({ name: 'Development only' });

    assertError(await laurel.api('GET', `${ATTRIBUTES}/${development.id}`, { key: production }), 404);
    const listed = (await laurel.api('GET', `${ATTRIBUTES}?limit=100`, { key: production })).body.map((a: any) => a.id);
    assert.ok(!listed.includes(development.id));

    const update = await laurel.api('PATCH', ATTRIBUTES, { key: production, body: [{ id: development.id, name: 'Hijacked' }] });
    assert.deepEqual(update.body, { updated: [], issues: [{ id: development.id, severity: 'error', message: 'Attribute not found by ID' }] });
    const remove = await laurel.api('DELETE', `${ATTRIBUTES}?ids=${development.id}`, { key: production });
    assert.deepEqual(remove.body, { deleted: [], issues: [{ id: development.id, severity: 'error', message: 'Attribute not found by ID' }] });
    assert.deepEqual((await laurel.api('GET', `${ATTRIBUTES}/${development.id}`)).body, development, 'untouched in its own environment');

    const sameKey = await create([{ name: 'Same key, other environment', key: development.key, type: development.type }], production);
    assert.equal(sameKey.status, 201, 'keys are unique per environment only');

    assertError(await laurel.api('GET', ATTRIBUTES, { key: null }), 401);
    assertError(await laurel.api('POST', ATTRIBUTES, { key: null, body: [{ name: 'x', key: 'x', type: 'user' }] }), 401);
  });

});
