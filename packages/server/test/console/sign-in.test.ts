import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { LOGIN_WINDOW_MS } from '../../src/console/login-throttle.js';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/console/sessions.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { assertError } from '../support/assert-error.js';
import { OWNER, request, setCookieOf, signIn, type Browser } from './console.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

forEachBackend('console: set-up, sign-in and sessions', (database) => {
  let laurel: TestLaurel;
  let clock: ManualClock;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'] });
    clock = laurel.clock as ManualClock;
  });
  after(() => laurel.close());

  test('status says set-up is required until the owner exists', async () => {
    const status = await request(laurel, 'GET', '/console/v1/status');
    assert.equal(status.status, 200);
    assert.deepEqual(status.body, { setupRequired: true, mode: 'development', setupTokenRequired: false, version: status.body.version });
    assert.match(status.body.version, /^\d+\.\d+\.\d+/);
  });

  test('set-up refuses a short password and an address that is not an email, and creates nothing', async () => {
    assertError(await request(laurel, 'POST', '/console/v1/setup', { body: { email: OWNER.email, password: 'short' } }), 422, /password/, /at least 10/);
    assertError(await request(laurel, 'POST', '/console/v1/setup', { body: { email: 'not-an-email', password: OWNER.password } }), 422, /email/);
    assertError(await request(laurel, 'POST', '/console/v1/setup', { body: { email: OWNER.email, password: 'x'.repeat(257) } }), 422, /at most 256/);
    assert.equal((await request(laurel, 'GET', '/console/v1/status')).body.setupRequired, true);
  });

  test('set-up creates the owner, signs it in with an HttpOnly SameSite=Lax cookie, and then answers 409', async () => {
    const answer = await request(laurel, 'POST', '/console/v1/setup', { body: { email: ' Owner@Example.com ', password: OWNER.password } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual(Object.keys(answer.body).sort(), ['account', 'csrfToken']);
    const { account } = answer.body;
    assert.equal(account.email, OWNER.email);
    assert.equal(account.role, 'owner');
    assert.equal(account.mustChangePassword, false);
    assert.equal(account.created, new Date(clock.now()).toISOString());
    assert.equal(account.lastLogin, new Date(clock.now()).toISOString());
    const cookie = setCookieOf(answer)!;
    assert.match(cookie, /^laurel_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.match(cookie, /; Path=\//);
    assert.doesNotMatch(cookie, /Secure/, 'no Secure flag in development mode (plain http on localhost)');
    // Only a hash of the token is stored.
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const stored = await laurel.backend.db.selectFrom('sessions').select('id').execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.id, token);

    assert.equal((await request(laurel, 'GET', '/console/v1/status')).body.setupRequired, false);
    assertError(await request(laurel, 'POST', '/console/v1/setup', { body: { email: 'other@example.com', password: OWNER.password } }), 409, /already set up/);
    const accounts = await laurel.backend.db.selectFrom('accounts').select('email').execute();
    assert.deepEqual(accounts, [{ email: OWNER.email }]);
  });

  test('the stored password is an scrypt hash, not the password', async () => {
    const row = await laurel.backend.db.selectFrom('accounts').select('password_hash').executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^scrypt\$1\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    assert.ok(!row.password_hash.includes(OWNER.password));
  });

  test('sign-in: right password 200 (email case does not matter); wrong password and unknown email both 401 with the same message', async () => {
    const ok = await request(laurel, 'POST', '/console/v1/login', { body: { email: 'OWNER@example.com', password: OWNER.password }, ip: '10.0.0.1' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.account.email, OWNER.email);
    assert.equal(typeof ok.body.csrfToken, 'string');
    assert.match(setCookieOf(ok)!, /^laurel_session=/);

    const wrong = await request(laurel, 'POST', '/console/v1/login', { body: { email: OWNER.email, password: 'wrong password!' }, ip: '10.0.0.1' });
    const unknown = await request(laurel, 'POST', '/console/v1/login', { body: { email: 'nobody@example.com', password: OWNER.password }, ip: '10.0.0.1' });
    assertError(wrong, 401, /^email or password is wrong$/);
    assertError(unknown, 401, /^email or password is wrong$/);
    assert.equal(setCookieOf(wrong), undefined);
    // The answers never repeat the password.
    assert.ok(!JSON.stringify(wrong.body).includes('wrong password!'));
  });

  test('GET /console/v1/session answers the account, the CSRF token and the expiry; without a cookie 401', async () => {
    const browser = await signIn(laurel, OWNER.email, OWNER.password, '10.0.0.2');
    const session = await request(laurel, 'GET', '/console/v1/session', { as: browser });
    assert.equal(session.status, 200);
    assert.deepEqual(Object.keys(session.body).sort(), ['account', 'csrfToken', 'expires']);
    assert.equal(session.body.csrfToken, browser.csrfToken);
    assert.equal(session.body.expires, new Date(clock.now() + SESSION_IDLE_MS).toISOString());
    assertError(await request(laurel, 'GET', '/console/v1/session'), 401, /sign in/);
    assertError(await request(laurel, 'GET', '/console/v1/session', { headers: { cookie: 'laurel_session=forged' } }), 401);
  });

  test('five failed sign-ins for one email within 15 minutes: 429 with Retry-After, even with the right password, until the window passes', async () => {
    const email = 'throttled@example.com';
    await request(laurel, 'POST', '/console/v1/members', { as: await signIn(laurel, OWNER.email, OWNER.password, '10.0.1.1'), body: { email } });
    // Failures from different addresses all count for the email.
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      assertError(await request(laurel, 'POST', '/console/v1/login', { body: { email, password: `guess number ${i}` }, ip: `10.0.2.${i}` }), 401);
    }
    const refused = await request(laurel, 'POST', '/console/v1/login', { body: { email: email.toUpperCase(), password: 'anything at all' }, ip: '10.0.3.1' });
    assertError(refused, 429, /Too many failed sign-ins/);
    // The first failure leaves the window 15 minutes after it happened, 4 s ago.
    assert.equal(refused.headers['retry-after'], String(LOGIN_WINDOW_MS / 1000 - 4));
    // Other accounts are not affected.
    await signIn(laurel, OWNER.email, OWNER.password, '10.0.3.2');

    clock.advance(LOGIN_WINDOW_MS - 4000);
    // One failure has left the window: one more guess is allowed (and fails), then 429 again.
    assertError(await request(laurel, 'POST', '/console/v1/login', { body: { email, password: 'guess number 6' }, ip: '10.0.3.3' }), 401);
    assertError(await request(laurel, 'POST', '/console/v1/login', { body: { email, password: 'guess number 7' }, ip: '10.0.3.3' }), 429);
  });

  test('thirty failed sign-ins from one address within 15 minutes: 429 for any email from it', async () => {
    clock.advance(LOGIN_WINDOW_MS);
    const ip = '10.9.9.9';
    for (let i = 0; i < 30; i++) {
      assertError(await request(laurel, 'POST', '/console/v1/login', { body: { email: `spray${i}@example.com`, password: 'password123' }, ip }), 401);
    }
    const refused = await request(laurel, 'POST', '/console/v1/login', { body: OWNER, ip });
    assertError(refused, 429);
    assert.equal(refused.headers['retry-after'], String(LOGIN_WINDOW_MS / 1000));
    await signIn(laurel, OWNER.email, OWNER.password, '10.9.9.10');
    clock.advance(LOGIN_WINDOW_MS);
    await signIn(laurel, OWNER.email, OWNER.password, ip);
  });

  test('sign-out ends the session and clears the cookie; the old cookie is refused everywhere', async () => {
    const browser = await signIn(laurel, OWNER.email, OWNER.password, '10.0.4.1');
    assertError(await request(laurel, 'POST', '/console/v1/logout', { as: browser, csrf: false }), 403, /X-CSRF-Token/);
    const out = await request(laurel, 'POST', '/console/v1/logout', { as: browser });
    assert.equal(out.status, 204);
    assert.equal(out.body, '');
    assert.match(setCookieOf(out)!, /^laurel_session=;.*Max-Age=0/);
    assertError(await request(laurel, 'GET', '/console/v1/session', { as: browser }), 401);
    assertError(await request(laurel, 'GET', '/admin/v1/webhooks', { as: browser, environment: 'development' }), 401, /sign in/);
    assertError(await request(laurel, 'POST', '/console/v1/logout', { as: browser }), 401);
  });

  test('a session ends after 7 days without use; using it moves that forward, but never past 30 days from sign-in', async () => {
    const idle = await signIn(laurel, OWNER.email, OWNER.password, '10.0.5.1');
    const used = await signIn(laurel, OWNER.email, OWNER.password, '10.0.5.1');
    const signedInAt = clock.now();
    const expiresOf = async (browser: Browser) => (await request(laurel, 'GET', '/console/v1/session', { as: browser })).body.expires;

    // Used within the hour: the expiry is not written again.
    clock.advance(30 * 60 * 1000);
    assert.equal(await expiresOf(used), new Date(signedInAt + SESSION_IDLE_MS).toISOString());
    clock.set(signedInAt + 6 * DAY);
    assert.equal(await expiresOf(used), new Date(signedInAt + 6 * DAY + SESSION_IDLE_MS).toISOString());

    clock.set(signedInAt + SESSION_IDLE_MS);
    assertError(await request(laurel, 'GET', '/console/v1/session', { as: idle }), 401);
    assert.equal((await request(laurel, 'GET', '/console/v1/session', { as: used })).status, 200, 'used on day 6, so alive until day 13');

    // Used every 6 days, it still ends 30 days after sign-in.
    for (let day = 12; day < 30; day += 6) {
      clock.set(signedInAt + day * DAY);
      assert.equal((await request(laurel, 'GET', '/console/v1/session', { as: used })).status, 200, `day ${day}`);
    }
    assert.equal(await expiresOf(used), new Date(signedInAt + SESSION_ABSOLUTE_MS).toISOString());
    clock.set(signedInAt + SESSION_ABSOLUTE_MS);
    assertError(await request(laurel, 'GET', '/console/v1/session', { as: used }), 401);
  });
});

forEachBackend('console: production mode', (database) => {
  const SETUP_TOKEN = 'a-set-up-token-of-some-length';
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], env: { LAUREL_MODE: 'production', LAUREL_SETUP_TOKEN: SETUP_TOKEN } });
  });
  after(() => laurel.close());

  test('set-up needs the set-up token: missing or wrong is 403 and creates nothing', async () => {
    assert.equal((await request(laurel, 'GET', '/console/v1/status')).body.setupTokenRequired, true);
    assertError(await request(laurel, 'POST', '/console/v1/setup', { body: OWNER }), 403, /setupToken/);
    assertError(await request(laurel, 'POST', '/console/v1/setup', { body: { ...OWNER, setupToken: 'not-the-token-at-all' } }), 403, /does not match/);
    assert.equal((await request(laurel, 'GET', '/console/v1/status')).body.setupRequired, true);
  });

  test('the session cookie is Secure, and status says production', async () => {
    const answer = await request(laurel, 'POST', '/console/v1/setup', { body: { ...OWNER, setupToken: SETUP_TOKEN } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const browser = { cookie: setCookieOf(answer)!.split(';')[0]!, csrfToken: answer.body.csrfToken, account: answer.body.account };
    const signedIn = await request(laurel, 'POST', '/console/v1/login', { body: OWNER });
    assert.match(setCookieOf(signedIn)!, /; Secure/);
    assert.match(setCookieOf(signedIn)!, /; HttpOnly/);
    assert.equal((await request(laurel, 'GET', '/console/v1/status')).body.mode, 'production');
    const out = await request(laurel, 'POST', '/console/v1/logout', { as: browser });
    assert.match(setCookieOf(out)!, /; Secure/);
  });
});

forEachBackend('console: production mode without a set-up token', (database) => {
  let laurel: TestLaurel;

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], env: { LAUREL_MODE: 'production' } });
  });
  after(() => laurel.close());

  test('nobody can claim the server: set-up answers 403 saying how to enable it', async () => {
    assertError(await request(laurel, 'POST', '/console/v1/setup', { body: { ...OWNER, setupToken: 'anything-at-all-here' } }), 403, /LAUREL_SETUP_TOKEN/);
    assert.equal((await request(laurel, 'GET', '/console/v1/status')).body.setupRequired, true);
  });
});
