import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { createLaurel, type Laurel } from '../../src/laurel.js';
import { forEachBackend } from '../support/backends.js';
import { OWNER, request, setUpOwner, signIn } from './console.js';

forEachBackend('console: logs', (database) => {
  let laurel: Laurel;
  const lines: string[] = [];

  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({ DATABASE_URL: database().url, LOG_LEVEL: 'trace' });
    laurel = await createLaurel({ config, clock: new ManualClock(Date.now()), roles: ['api'], logger: pino({ level: 'trace' }, sink) });
    await laurel.app.ready();
  });
  after(() => laurel.close());

  test('passwords, session tokens and CSRF tokens never reach the log, even at trace level', async () => {
    const owner = await setUpOwner(laurel);
    await request(laurel, 'POST', '/console/v1/login', { body: { email: OWNER.email, password: 'a wrong password' } });
    const browser = await signIn(laurel, OWNER.email, OWNER.password);
    const created = await request(laurel, 'POST', '/console/v1/members', { as: browser, body: { email: 'ann@example.com' } });
    await request(laurel, 'POST', '/admin/v1/webhooks', { as: browser, environment: 'development', body: [{ name: 'x', url: 'nope', events: [] }] });
    await request(laurel, 'POST', '/console/v1/password', { as: browser, body: { currentPassword: OWNER.password, newPassword: 'a new password 2' } });
    const log = lines.join('');
    const secrets = [OWNER.password, 'a wrong password', 'a new password 2', created.body.oneTimePassword, owner.cookie.split('=')[1]!, browser.cookie.split('=')[1]!, browser.csrfToken];
    for (const secret of secrets) assert.ok(!log.includes(secret), `the log contains a secret: ${secret}`);
  });
});
