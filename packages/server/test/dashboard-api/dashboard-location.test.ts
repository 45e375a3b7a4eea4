import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { PROJECT_ROOT } from '../../src/config/database-url.js';
import { forEachBackend } from '../support/backends.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

const INDEX = '<!doctype html><title>Laurel, found from the root</title>\n';

/**
 * A relative LAUREL_DASHBOARD_DIR is taken from the Laurel checkout's root, as a relative SQLite
 * path is, not from the directory the server happens to be started in: the server here runs with
 * its working directory elsewhere and still serves the folder the setting names.
 */
forEachBackend('LAUREL_DASHBOARD_DIR relative to the project root', (database) => {
  let root: string;
  let elsewhere: string;
  let setting: string;
  let laurel: TestLaurel;
  const cwd = process.cwd();

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'laurel-dashboard-location-'));
    await mkdir(join(root, 'dist'));
    await writeFile(join(root, 'dist', 'index.html'), INDEX);
    elsewhere = join(root, 'somewhere', 'else');
    await mkdir(elsewhere, { recursive: true });
    // The folder as a path relative to the checkout (../../tmp/...), then run from another directory.
    setting = relative(PROJECT_ROOT, join(root, 'dist'));
    process.chdir(elsewhere);
    laurel = await startTestLaurel({ databaseUrl: database().url, roles: ['api'], env: { LAUREL_DASHBOARD_DIR: setting } });
  });
  after(async () => {
    await laurel.close();
    process.chdir(cwd);
    await rm(root, { recursive: true, force: true });
  });

  test('the configuration makes the relative path absolute from the root, whatever the working directory', () => {
    assert.equal(loadConfig({ LAUREL_DASHBOARD_DIR: setting }).dashboardDir, join(root, 'dist'));
    assert.equal(loadConfig({ LAUREL_DASHBOARD_DIR: 'packages/dashboard/dist' }).dashboardDir, join(PROJECT_ROOT, 'packages', 'dashboard', 'dist'));
    assert.equal(loadConfig({ LAUREL_DASHBOARD_DIR: '/srv/dashboard' }).dashboardDir, '/srv/dashboard', 'absolute paths are kept');
    assert.equal(loadConfig({}).dashboardDir, join(PROJECT_ROOT, 'packages', 'dashboard', 'dist'), 'the default is the dashboard package build');
  });

  test('the server started elsewhere serves the folder the relative setting names', async () => {
    const answer = await laurel.app!.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    assert.equal(answer.statusCode, 200, answer.body);
    assert.equal(answer.body, INDEX);
  });
});
