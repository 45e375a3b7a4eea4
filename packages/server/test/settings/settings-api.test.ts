import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createEnvironment } from '../../src/environments/environments.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';
import { adminSchemaValidator } from '../support/reference-schemas.js';
import { createFixtureEnvironment } from '../support/fixtures.js';

/** GET/PATCH /admin/v1/settings (spec 1.24.0) and GET /admin/v1/environments (SDK 1.25). */
forEachBackend('admin settings and environments', (database) => {
  let laurel: TestLaurel;
  const validSettings = adminSchemaValidator('AdminSettings');

  before(async () => {
    laurel = await startTestLaurel({ databaseUrl: database().url });
  });
  after(() => laurel.close());

  test('defaults, then PATCH merges field by field and answers the whole settings, valid against spec 1.24.0', async (t) => {
    const env = await createFixtureEnvironment(laurel.backend.db, laurel.clock.now());
    const initial = await laurel.api('GET', '/admin/v1/settings', { key: env.key });
    assert.equal(initial.status, 200);
    assert.deepEqual(initial.body, {
      branding: { appName: '', appUrl: '', brandColor: '#000000', font: 'MODERN_SANS', logo: null, appIcon: null },
      experimentation: { controlRatio: 0, userActivationWindow: 7 },
      aggregationPeriod: 'weekly',
    });
    const first = await laurel.api('PATCH', '/admin/v1/settings', {
      key: env.key,
      body: { branding: { appName: 'Quill', appUrl: 'https://quill.example', logo: { url: 'https://quill.example/logo.png' } }, experimentation: { controlRatio: 10 } },
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const second = await laurel.api('PATCH', '/admin/v1/settings', {
      key: env.key,
      body: { branding: { brandColor: 'rgba(10, 20, 30, 0.5)', logo: null, font: 'BOOK_SERIF' }, aggregationPeriod: 'monthly' },
    });
    const expected = {
      branding: { appName: 'Quill', appUrl: 'https://quill.example', brandColor: 'rgba(10, 20, 30, 0.5)', font: 'BOOK_SERIF', logo: null, appIcon: null },
      experimentation: { controlRatio: 10, userActivationWindow: 7 },
      aggregationPeriod: 'monthly',
    };
    assert.deepEqual(second.body, expected);
    assert.deepEqual((await laurel.api('PATCH', '/admin/v1/settings', { key: env.key, body: {} })).body, expected);
    assert.deepEqual((await laurel.api('GET', '/admin/v1/settings', { key: env.key })).body, expected);
    // Another environment keeps its defaults.
    const other = await createFixtureEnvironment(laurel.backend.db, laurel.clock.now());
    assert.deepEqual((await laurel.api('GET', '/admin/v1/settings', { key: other.key })).body, initial.body);
    if (!validSettings) return t.diagnostic('reference schemas not found: shape not checked');
    assert.deepEqual(validSettings({ ...expected, branding: { ...expected.branding, logo: { url: 'https://quill.example/logo.png' } } }), []);
  });

  test('refused bodies are 422 naming the field and change nothing', async () => {
    const env = await createFixtureEnvironment(laurel.backend.db, laurel.clock.now());
    const before = (await laurel.api('GET', '/admin/v1/settings', { key: env.key })).body;
    const cases: [unknown, RegExp][] = [
      [{ branding: null }, /body\.branding/],
      [{ experimentation: null }, /body\.experimentation/],
      [{ branding: { brandColor: 'red' } }, /body\.branding\.brandColor/],
      [{ branding: { appName: '' } }, /body\.branding\.appName/],
      [{ branding: { appUrl: 'not a url' } }, /body\.branding\.appUrl/],
      [{ branding: { font: 'COMIC_SANS' } }, /body\.branding\.font/],
      [{ experimentation: { controlRatio: 101 } }, /body\.experimentation\.controlRatio/],
      [{ experimentation: { controlRatio: 5.5 } }, /body\.experimentation\.controlRatio/],
      [{ experimentation: { userActivationWindow: 2 } }, /body\.experimentation\.userActivationWindow/],
      [{ aggregationPeriod: 'daily' }, /body\.aggregationPeriod/],
      [{ colour: 'red' }, /colour/],
    ];
    for (const [body, pattern] of cases) {
      const response = await laurel.api('PATCH', '/admin/v1/settings', { key: env.key, body });
      assert.equal(response.status, 422, JSON.stringify(body));
      assert.match(response.body.error, pattern);
    }
    assert.deepEqual((await laurel.api('GET', '/admin/v1/settings', { key: env.key })).body, before);
  });

  test('GET /environments lists every environment by priority, production first at 1', async () => {
    await createEnvironment(laurel.backend.db, 'staging-one', laurel.clock.now(), 'staging');
    const response = await laurel.api('GET', '/admin/v1/environments');
    assert.equal(response.status, 200);
    const list: { name: string; key: string; priority: number }[] = response.body;
    assert.deepEqual(list[0], { name: 'production', key: 'production', priority: 1 });
    assert.deepEqual(list.map((e) => e.priority), list.map((_, i) => i + 1));
    const names = list.map((e) => e.name);
    assert.ok(names.indexOf('staging-one') < names.indexOf('development'), 'staging before development');
    assert.equal((await laurel.api('GET', '/admin/v1/environments', { key: 'nope.nope' })).status, 401);
  });
});
