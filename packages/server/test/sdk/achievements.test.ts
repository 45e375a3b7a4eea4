import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { unique } from '../support/fixtures.js';
import { expectSdkError, lastStatus, sdkRequests, startSdkServer, TrophyApi, type SdkEnvironment, type SdkServer } from './helpers.js';

const NOW = Date.UTC(2026, 2, 11, 12);

/** One environment with an achievement of every trigger, plus inactive, locked and attribute-filtered ones. */
async function catalogue(env: SdkEnvironment) {
  const [metric] = await env.metrics([unique('words')]);
  await env.attributes([{ key: 'plan', type: 'user' }]);
  const [ten, badge, streak3, proOnly, hidden, toLock] = await env.achievements([
    { name: 'Ten words', key: unique('ten'), trigger: 'metric', metricKey: metric!.key, metricValue: 10, description: 'Write ten words', badgeUrl: 'https://example.com/ten.png' },
    { name: 'Badge', key: unique('badge'), trigger: 'api' },
    { name: 'Three days', key: unique('streak3'), trigger: 'streak', streakLength: 3 },
    { name: 'Pro only', key: unique('pro'), trigger: 'api', userAttributes: [{ key: 'plan', value: 'pro' }] },
    { name: 'Hidden', key: unique('hidden'), trigger: 'api', status: 'inactive' },
    { name: 'Retired', key: unique('retired'), trigger: 'api' },
  ]);
  const [both] = await env.achievements([{ name: 'Both', key: unique('both'), trigger: 'achievement', achievementIds: [ten!.id, badge!.id] }]);
  return { metric: metric!, ten: ten!, badge: badge!, streak3: streak3!, proOnly: proOnly!, hidden: hidden!, toLock: toLock!, both: both! };
}

async function lock(env: SdkEnvironment, id: string): Promise<void> {
  const body = await env.admin('PATCH', '/achievements', [{ id, status: 'locked' }], 200);
  assert.deepEqual(body.issues, []);
}

forEachBackend('SDK: achievements', (database) => {
  let server: SdkServer;

  before(async () => {
    server = await startSdkServer(database().url, NOW);
  });
  after(() => server.close());

  test('achievements.complete: 201 with the completion; the composite it completes appears in the user achievements; completing again returns the original', async () => {
    const env = await server.environment();
    const c = await catalogue(env);
    const id = unique('player');
    await env.trophy.metrics.event(c.metric.key, { user: { id }, value: 10 });

    const completion = await sdkRequests(server, 1, () => env.trophy.achievements.complete(c.badge.key, { user: { id, name: 'Player' } }));
    assert.equal(lastStatus(server), 201);
    assert.equal(typeof completion.completionId, 'string');
    assert.deepEqual(completion.points, {});
    assert.equal(completion.achievement.id, c.badge.id);
    assert.equal(completion.achievement.key, c.badge.key);
    assert.equal(completion.achievement.name, 'Badge');
    assert.equal(completion.achievement.trigger, 'api');
    assert.ok(completion.achievement.achievedAt instanceof Date);
    assert.equal(completion.achievement.achievedAt.getTime(), NOW);
    // The user was upserted inline.
    assert.equal((await env.trophy.users.get(id)).name, 'Player');

    server.clock.advance(60_000);
    const again = await sdkRequests(server, 1, () => env.trophy.achievements.complete(c.badge.key, { user: { id } }));
    server.clock.set(NOW);
    assert.equal(lastStatus(server), 201);
    assert.equal(again.completionId, completion.completionId);
    assert.equal(again.achievement.achievedAt?.getTime(), NOW, 'the original achievedAt');

    const mine = await sdkRequests(server, 1, () => env.trophy.users.achievements(id));
    assert.deepEqual(mine.map((a) => a.id).sort(), [c.ten.id, c.badge.id, c.both.id].sort());
    const both = mine.find((a) => a.id === c.both.id)!;
    assert.equal(both.trigger, 'achievement');
    assert.deepEqual((both as { achievementIds?: string[] }).achievementIds?.slice().sort(), [c.ten.id, c.badge.id].sort());
    assert.equal(both.completions, 1);
    assert.equal(both.rarity, 100);
  });

  test('achievements.complete errors: 404 unknown or inactive key, 422 for a non-API trigger, a locked achievement or missing user attributes, 401 wrong key', async () => {
    const env = await server.environment();
    const c = await catalogue(env);
    await lock(env, c.toLock.id);
    const user = { id: unique('p') };
    await expectSdkError(server, () => env.trophy.achievements.complete('no-such-achievement', { user }), TrophyApi.NotFoundError, 404, /Achievement not found/);
    await expectSdkError(server, () => env.trophy.achievements.complete(c.hidden.key, { user }), TrophyApi.NotFoundError, 404, /Achievement not found/);
    await expectSdkError(server, () => env.trophy.achievements.complete(c.ten.key, { user }), TrophyApi.UnprocessableEntityError, 422, /metric trigger/);
    await expectSdkError(server, () => env.trophy.achievements.complete(c.toLock.key, { user }), TrophyApi.UnprocessableEntityError, 422, /locked/);
    await expectSdkError(server, () => env.trophy.achievements.complete(c.proOnly.key, { user: { id: user.id, attributes: { plan: 'free' } } }), TrophyApi.UnprocessableEntityError, 422, /attributes/);
    await expectSdkError(server, () => env.trophy.achievements.complete(c.badge.key, { user: { id: user.id, tz: 'Nowhere/Land' } }), TrophyApi.UnprocessableEntityError, 422, /tz/);
    await expectSdkError(server, () => server.client('bad.key').achievements.complete(c.badge.key, { user }), TrophyApi.UnauthorizedError, 401);
    // With the attribute, the filtered achievement completes.
    const pro = await env.trophy.achievements.complete(c.proOnly.key, { user: { id: user.id, attributes: { plan: 'pro' } } });
    assert.equal(pro.achievement.id, c.proOnly.id);
    assert.deepEqual(pro.achievement.userAttributes, [{ key: 'plan', value: 'pro' }]);
  });

  test('achievements.all: active achievements only, with completions and rarity (a percentage)', async () => {
    const env = await server.environment();
    const c = await catalogue(env);
    await lock(env, c.toLock.id);
    // Four users; one reaches the metric achievement, two complete the badge.
    const users = [unique('a'), unique('b'), unique('c'), unique('d')];
    for (const id of users) await env.trophy.users.create({ id });
    await env.trophy.metrics.event(c.metric.key, { user: { id: users[0]! }, value: 12 });
    await env.trophy.achievements.complete(c.badge.key, { user: { id: users[0]! } });
    await env.trophy.achievements.complete(c.badge.key, { user: { id: users[1]! } });

    const all = await sdkRequests(server, 1, () => env.trophy.achievements.all());
    const byId = new Map(all.map((a) => [a.id, a]));
    assert.deepEqual([...byId.keys()].sort(), [c.ten.id, c.badge.id, c.streak3.id, c.proOnly.id, c.both.id].sort(), 'inactive and locked achievements are left out');
    const stats = (id: string) => [byId.get(id)!.completions, byId.get(id)!.rarity];
    assert.deepEqual(stats(c.ten.id), [1, 25]);
    assert.deepEqual(stats(c.badge.id), [2, 50]);
    assert.deepEqual(stats(c.both.id), [1, 25]);
    assert.deepEqual(stats(c.streak3.id), [0, 0]);

    const ten = byId.get(c.ten.id)!;
    assert.equal(ten.trigger, 'metric');
    assert.equal(ten.metricId, c.metric.id);
    assert.equal(ten.metricValue, 10);
    assert.equal(ten.metricName, c.metric.name);
    assert.equal(ten.description, 'Write ten words');
    assert.equal(ten.badgeUrl, 'https://example.com/ten.png');
    assert.deepEqual(ten.userAttributes, []);
    assert.equal(byId.get(c.streak3.id)!.streakLength, 3);
    assert.equal(byId.get(c.badge.id)!.key, c.badge.key);
    assert.equal(byId.get(c.badge.id)!.description, undefined, 'null description');
  });

  test('achievements.all with userAttributes keeps only what a user with those attributes could unlock', async () => {
    const env = await server.environment();
    const c = await catalogue(env);
    await lock(env, c.toLock.id);
    const ids = async (userAttributes?: string) => (await sdkRequests(server, 1, () => env.trophy.achievements.all(userAttributes === undefined ? {} : { userAttributes }))).map((a) => a.id).sort();
    const unfiltered = [c.ten.id, c.badge.id, c.streak3.id, c.proOnly.id, c.both.id].sort();
    assert.deepEqual(await ids(), unfiltered);
    assert.deepEqual(await ids('plan:pro'), unfiltered);
    assert.deepEqual(await ids('plan:free'), unfiltered.filter((id) => id !== c.proOnly.id));
    assert.deepEqual(await ids('plan:pro,region:eu'), unfiltered);

    await expectSdkError(server, () => env.trophy.achievements.all({ userAttributes: 'no-colon' }), TrophyApi.UnprocessableEntityError, 422, /attribute:value|key:value/);
    await expectSdkError(server, () => server.client('bad.key').achievements.all(), TrophyApi.UnauthorizedError, 401);
  });

  test('users.achievements: completed only by default; includeIncomplete "true" adds the rest with achievedAt unset', async () => {
    const env = await server.environment();
    const c = await catalogue(env);
    await lock(env, c.toLock.id);
    const id = unique('u');
    const other = unique('o');
    await env.trophy.metrics.event(c.metric.key, { user: { id }, value: 10 });
    await env.trophy.users.create({ id: other });

    const completed = await sdkRequests(server, 1, () => env.trophy.users.achievements(id));
    assert.deepEqual(completed.map((a) => a.id), [c.ten.id]);
    assert.equal(completed[0]!.achievedAt?.getTime(), NOW);
    assert.equal(completed[0]!.completions, 1);
    assert.equal(completed[0]!.rarity, 50, 'one of two users');
    assert.equal(completed[0]!.metricValue, 10);

    const everything = await sdkRequests(server, 1, () => env.trophy.users.achievements(id, { includeIncomplete: 'true' }));
    const byId = new Map(everything.map((a) => [a.id, a]));
    assert.deepEqual([...byId.keys()].sort(), [c.ten.id, c.badge.id, c.streak3.id, c.proOnly.id, c.both.id].sort());
    assert.equal(byId.get(c.ten.id)!.achievedAt?.getTime(), NOW);
    for (const incomplete of [c.badge.id, c.streak3.id, c.proOnly.id, c.both.id]) assert.equal(byId.get(incomplete)!.achievedAt, undefined);

    assert.deepEqual(await env.trophy.users.achievements(other), []);
    await expectSdkError(server, () => env.trophy.users.achievements(unique('ghost')), TrophyApi.NotFoundError, 404, /User not found/);
    await expectSdkError(server, () => server.client('bad.key').users.achievements(id), TrophyApi.UnauthorizedError, 401);
  });
});
