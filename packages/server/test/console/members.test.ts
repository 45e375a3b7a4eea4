import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { WEBHOOKS } from '../support/webhooks.js';
import { assertError } from '../support/assert-error.js';
import { OWNER, addMember, request, setUpOwner, signIn, type Browser } from './console.js';

forEachBackend('console: members', (database) => {
  let laurel: TestLaurel;
  let owner: Browser;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    owner = await setUpOwner(laurel);
  });
  after(() => laurel.close());

  test('a new member gets a one-time password and must change it before anything else', async () => {
    const created = await request(laurel, 'POST', '/console/v1/members', { as: owner, body: { email: 'Ann@Example.com' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { member, oneTimePassword } = created.body;
    assert.equal(member.email, 'ann@example.com');
    assert.equal(member.role, 'member');
    assert.equal(member.mustChangePassword, true);
    assert.equal(member.lastLogin, null);
    assert.equal(typeof oneTimePassword, 'string');
    assert.ok(oneTimePassword.length >= 10);

    const ann = await signIn(laurel, 'ann@example.com', oneTimePassword);
    assert.equal(ann.account.mustChangePassword, true);
    const gate = /^change your one-time password first$/;
    assertError(await request(laurel, 'GET', '/console/v1/members', { as: ann }), 403, gate);
    assertError(await request(laurel, 'GET', '/console/v1/environments', { as: ann }), 403, gate);
    assertError(await request(laurel, 'GET', WEBHOOKS, { as: ann, environment: 'development' }), 403, gate);
    assertError(await request(laurel, 'GET', '/v1/achievements', { as: ann, environment: 'development' }), 403, gate);
    const session = await request(laurel, 'GET', '/console/v1/session', { as: ann });
    assert.equal(session.status, 200);
    assert.equal(session.body.account.mustChangePassword, true);

    // A second session of hers (another browser) ends when she changes the password; this one stays.
    const other = await signIn(laurel, 'ann@example.com', oneTimePassword);
    assertError(await request(laurel, 'POST', '/console/v1/password', { as: ann, body: { currentPassword: 'not it at all', newPassword: 'ann new password' } }), 400, /currentPassword/);
    assertError(await request(laurel, 'POST', '/console/v1/password', { as: ann, body: { currentPassword: oneTimePassword, newPassword: 'short' } }), 422, /newPassword/);
    assertError(await request(laurel, 'POST', '/console/v1/password', { as: ann, csrf: false, body: { currentPassword: oneTimePassword, newPassword: 'ann new password' } }), 403, /X-CSRF-Token/);
    const changed = await request(laurel, 'POST', '/console/v1/password', { as: ann, body: { currentPassword: oneTimePassword, newPassword: 'ann new password' } });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));

    assert.equal((await request(laurel, 'GET', '/console/v1/session', { as: ann })).body.account.mustChangePassword, false);
    assert.equal((await request(laurel, 'GET', '/console/v1/members', { as: ann })).status, 200);
    assert.equal((await request(laurel, 'GET', WEBHOOKS, { as: ann, environment: 'development' })).status, 200);
    assertError(await request(laurel, 'GET', '/console/v1/session', { as: other }), 401);
    assertError(await request(laurel, 'POST', '/console/v1/login', { body: { email: 'ann@example.com', password: oneTimePassword } }), 401);
    await signIn(laurel, 'ann@example.com', 'ann new password');
  });

  test('the list shows the owner first, then members', async () => {
    const listed = await request(laurel, 'GET', '/console/v1/members', { as: owner });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.map((a: any) => [a.email, a.role]),
      [
        [OWNER.email, 'owner'],
        ['ann@example.com', 'member'],
      ],
    );
    for (const account of listed.body) assert.deepEqual(Object.keys(account).sort(), ['created', 'email', 'id', 'lastLogin', 'mustChangePassword', 'role']);
  });

  test('an email already in use is 409; a malformed one 422', async () => {
    assertError(await request(laurel, 'POST', '/console/v1/members', { as: owner, body: { email: 'ANN@example.com' } }), 409, /ann@example.com/);
    assertError(await request(laurel, 'POST', '/console/v1/members', { as: owner, body: { email: 'ann' } }), 422, /email/);
    assertError(await request(laurel, 'POST', '/console/v1/members', { as: owner, csrf: false, body: { email: 'bob@example.com' } }), 403, /X-CSRF-Token/);
  });

  test('a member cannot add or remove members', async () => {
    const bob = await addMember(laurel, owner, 'bob@example.com');
    assertError(await request(laurel, 'POST', '/console/v1/members', { as: bob, body: { email: 'carol@example.com' } }), 403, /owner/);
    assertError(await request(laurel, 'DELETE', `/console/v1/members/${owner.account.id}`, { as: bob }), 403, /owner/);
    assertError(await request(laurel, 'DELETE', `/console/v1/members/${bob.account.id}`, { as: bob }), 403, /owner/);
    const emails = (await request(laurel, 'GET', '/console/v1/members', { as: owner })).body.map((a: any) => a.email);
    assert.ok(!emails.includes('carol@example.com'));
    assert.ok(emails.includes('bob@example.com'));
  });

  test('removing a member ends their sessions; the owner cannot be removed; an unknown id is 404', async () => {
    const carol = await addMember(laurel, owner, 'carol@example.com');
    const second = await signIn(laurel, 'carol@example.com', 'member password 1');
    assertError(await request(laurel, 'DELETE', `/console/v1/members/${carol.account.id}`, { as: owner, csrf: false }), 403, /X-CSRF-Token/);
    const removed = await request(laurel, 'DELETE', `/console/v1/members/${carol.account.id}`, { as: owner });
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    for (const session of [carol, second]) {
      assertError(await request(laurel, 'GET', '/console/v1/session', { as: session }), 401);
      assertError(await request(laurel, 'GET', WEBHOOKS, { as: session, environment: 'development' }), 401);
    }
    const rows = await laurel.backend.db.selectFrom('sessions').select('account_id').where('account_id', '=', carol.account.id).execute();
    assert.deepEqual(rows, []);
    assertError(await request(laurel, 'POST', '/console/v1/login', { body: { email: 'carol@example.com', password: 'member password 1' } }), 401);

    assertError(await request(laurel, 'DELETE', `/console/v1/members/${owner.account.id}`, { as: owner }), 400, /owner/);
    assertError(await request(laurel, 'DELETE', `/console/v1/members/${carol.account.id}`, { as: owner }), 404);
    assert.equal((await request(laurel, 'GET', '/console/v1/session', { as: owner })).status, 200);
  });
});
