import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { sendEvent } from '../app-api/setup.js';
import { assertError } from '../support/assert-error.js';
import { developmentFixtures, fixturesFor, type Fixtures } from '../support/fixtures.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

const USERS = '/admin/v1/users';

/** The dashboard's user reads: GET /admin/v1/users (search, pages) and GET /admin/v1/users/{id}/events. */
forEachBackend('admin user list and user events', (database) => {
  let laurel: TestLaurel;
  let dev: Fixtures;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
  let otherKey: string;

  // Created one minute apart, in this order: newest first is the reverse.
  const people = [
    { id: 'alice-1', email: 'Alice@Example.com' },
    { id: 'alice-2' },
    { id: 'ALIBI', email: 'someone@corp.io' },
    { id: 'bob', email: 'bob.alice@corp.io' },
    { id: 'x_y', email: 'xy@corp.io' },
    { id: 'xzy', email: 'percent%sign@corp.io' },
    { id: 'zed', email: 'zed@example.COM' },
  ];
  const newestFirst = people.map((p) => p.id).reverse();

  const list = async (query: string, key?: string): Promise<any[]> => {
    const response = await laurel.api('GET', `${USERS}${query}`, key ? { key } : {});
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };
  const ids = async (query: string, key?: string) => (await list(query, key)).map((u) => u.id);

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, clock });
    dev = await developmentFixtures(laurel);
    for (const person of people) {
      const response = await laurel.api('POST', '/v1/users', { body: { ...person, name: person.id } });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      clock.advance(60_000);
    }
    otherKey = (await fixturesFor(laurel, 'users-elsewhere')).key;
    const other = await laurel.api('POST', '/v1/users', { key: otherKey, body: { id: 'alice-elsewhere', email: 'alice@example.com' } });
    assert.equal(other.status, 201);
  });
  after(() => laurel.close());

  test('lists users newest first, as GET /v1/users/{id} shows them', async () => {
    const users = await list('?limit=100');
    assert.deepEqual(users.map((u) => u.id), newestFirst);
    for (const user of users) {
      const single = await laurel.api('GET', `/v1/users/${encodeURIComponent(user.id)}`);
      assert.deepEqual(user, single.body);
    }
    assert.deepEqual(await ids(''), newestFirst, 'the default page of 10 holds all seven');
  });

  test('pages with limit and skip', async () => {
    const pages = [await ids('?limit=3'), await ids('?limit=3&skip=3'), await ids('?limit=3&skip=6'), await ids('?limit=3&skip=9')];
    assert.deepEqual(pages, [newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6), []]);
    assert.deepEqual(await ids('?search=alice&limit=1&skip=1'), ['alice-2']);
  });

  test('search matches an id prefix or an email substring, ignoring case', async () => {
    // alice-1 and alice-2 by id, bob by "bob.alice@"; ALIBI's id starts with "ali" but not "alice".
    assert.deepEqual(await ids('?search=alice'), ['bob', 'alice-2', 'alice-1']);
    assert.deepEqual(await ids('?search=ALI'), ['bob', 'ALIBI', 'alice-2', 'alice-1']);
    assert.deepEqual(await ids('?search=example.com'), ['zed', 'alice-1']);
    assert.deepEqual(await ids('?search=LICE-'), [], 'an id matches by prefix only');
    assert.deepEqual(await ids('?search=%20%20bob%20'), ['bob'], 'surrounding spaces are ignored');
    assert.deepEqual(await ids('?search=%20'), newestFirst.slice(0, 7), 'a blank search lists everyone');
    assert.deepEqual(await ids('?search=nobody'), []);
  });

  test('LIKE wildcards in the search match themselves', async () => {
    assert.deepEqual(await ids('?search=x_'), ['x_y'], '"_" is not "any character"');
    assert.deepEqual(await ids(`?search=${encodeURIComponent('%')}`), ['xzy'], '"%" is not "anything"');
    assert.deepEqual(await ids(`?search=${encodeURIComponent('t%s')}`), ['xzy']);
    assert.deepEqual(await ids(`?search=${encodeURIComponent('\\')}`), []);
  });

  test("another environment's users are never listed", async () => {
    assert.deepEqual(await ids('?search=alice'), ['bob', 'alice-2', 'alice-1']);
    assert.deepEqual(await ids('?search=alice', otherKey), ['alice-elsewhere']);
    assert.deepEqual(await ids('', otherKey), ['alice-elsewhere']);
  });

  test('bad paging or search is refused with {error}', async () => {
    assertError(await laurel.api('GET', `${USERS}?limit=-1`), 422, /limit/);
    assertError(await laurel.api('GET', `${USERS}?limit=0`), 422, /limit/);
    assertError(await laurel.api('GET', `${USERS}?limit=101`), 422, /limit/);
    assertError(await laurel.api('GET', `${USERS}?skip=-1`), 422, /skip/);
    assertError(await laurel.api('GET', `${USERS}?search=${'a'.repeat(321)}`), 422, /search/);
    assertError(await laurel.api('GET', `${USERS}?search=%00`), 422, /search/);
    assertError(await laurel.api('GET', USERS, { key: null }), 401);
  });

  test("a user's metric events, newest first, with the metric and the total after each", async () => {
    const words = (await dev.metric({ key: 'words', name: 'words' })).id;
    const minutes = (await dev.metric({ key: 'minutes', name: 'minutes' })).id;
    const sent: string[] = [];
    for (const [metric, value, idempotencyKey] of [['words', 10], ['minutes', 5, 'm-1'], ['words', 3]] as const) {
      clock.advance(1_000);
      const response = await sendEvent(laurel, metric, { user: { id: 'bob' }, value }, idempotencyKey);
      assert.equal(response.status, 201, JSON.stringify(response.body));
      sent.push(response.body.eventId);
    }
    await sendEvent(laurel, 'words', { user: { id: 'alice-1' }, value: 100 });

    const response = await laurel.api('GET', `${USERS}/bob/events`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const at = (secondsAgo: number) => new Date(clock.now() - secondsAgo * 1000).toISOString();
    assert.deepEqual(response.body, [
      { id: sent[2], metricId: words, metricKey: 'words', metricName: 'words', value: 3, total: 13, idempotencyKey: null, created: at(0) },
      { id: sent[1], metricId: minutes, metricKey: 'minutes', metricName: 'minutes', value: 5, total: 5, idempotencyKey: 'm-1', created: at(1) },
      { id: sent[0], metricId: words, metricKey: 'words', metricName: 'words', value: 10, total: 10, idempotencyKey: null, created: at(2) },
    ]);

    const page = await laurel.api('GET', `${USERS}/bob/events?limit=1&skip=1`);
    assert.deepEqual(page.body.map((e: any) => e.id), [sent[1]]);
    assert.deepEqual((await laurel.api('GET', `${USERS}/alice-2/events`)).body, [], 'a user without events has an empty list');
  });

  test('events of an unknown user, or of a user of another environment, are a 404 naming the user', async () => {
    assertError(await laurel.api('GET', `${USERS}/nobody/events`), 404, /User not found: nobody/);
    assertError(await laurel.api('GET', `${USERS}/alice-elsewhere/events`), 404, /alice-elsewhere/);
    assertError(await laurel.api('GET', `${USERS}/bob/events`, { key: otherKey }), 404, /bob/);
    assertError(await laurel.api('GET', `${USERS}/bob/events?limit=-1`), 422, /limit/);
  });
});
