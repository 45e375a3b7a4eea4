import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startBanner } from '../../src/start-banner.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

test('the banner: where the dashboard is, and what to do about the owner account', () => {
  const facts = { url: 'http://127.0.0.1:8080', dashboardBuilt: true, ownerExists: false, setupToken: 'not needed' } as const;
  assert.deepEqual(startBanner(facts), ['Dashboard: http://127.0.0.1:8080/', 'No owner account yet: open http://127.0.0.1:8080/ to create it']);
  assert.deepEqual(startBanner({ ...facts, ownerExists: true }), ['Dashboard: http://127.0.0.1:8080/', 'Owner account exists: sign in at http://127.0.0.1:8080/']);
  assert.match(startBanner({ ...facts, setupToken: 'set' })[1]!, /create it \(it asks for LAUREL_SETUP_TOKEN\)$/);
  assert.match(startBanner({ ...facts, setupToken: 'missing' })[1]!, /restart with LAUREL_SETUP_TOKEN set/);
  assert.match(startBanner({ ...facts, dashboardBuilt: false })[0]!, /^Dashboard not built \(npm run build makes it\); the API is at http:\/\/127\.0\.0\.1:8080$/);
  assert.equal(startBanner({ ...facts, url: 'http://[::]:8080' })[0], 'Dashboard: http://localhost:8080/');
});

/** A real `laurel start` on port 0 with its stdout piped: every line it writes, parsed as JSON. */
describe('laurel start, piped', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'laurel-start-'));
    const dashboardDir = join(dir, 'dashboard');
    await mkdir(dashboardDir);
    await writeFile(join(dashboardDir, 'index.html'), '<!doctype html><title>Laurel</title>');
    env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'laurel.db')}`, LAUREL_DASHBOARD_DIR: dashboardDir, LAUREL_MODE: 'development', LOG_LEVEL: 'info' };
    delete env.LOG_FORMAT;
    delete env.LAUREL_SETUP_TOKEN;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Starts laurel and collects its log records until the owner-account line, which comes last. */
  async function start(): Promise<{ child: ChildProcess; records: any[]; dashboard: string; owner: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], { cwd: packageDir, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const records: any[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      for await (const line of createInterface({ input: child.stdout! })) {
        // Piped output is JSON, every line of it (this throws otherwise).
        const record = JSON.parse(line);
        records.push(record);
        if (/owner account/i.test(record.msg)) break;
      }
    } finally {
      clearTimeout(timer);
    }
    const dashboard = records.find((r) => r.msg.startsWith('Dashboard: '))?.msg.slice('Dashboard: '.length);
    const owner = records.at(-1)?.msg;
    assert.ok(dashboard && owner, `no banner in ${JSON.stringify(records)}`);
    return { child, records, dashboard, owner };
  }

  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }

  test('says where the dashboard is and that the owner account is still to be created; once it exists, to sign in', async () => {
    const first = await start();
    try {
      assert.match(first.dashboard, /^http:\/\/127\.0\.0\.1:(\d+)\/$/);
      assert.notEqual(first.dashboard, 'http://127.0.0.1:0/', 'the port it really listens on');
      assert.equal(first.owner, `No owner account yet: open ${first.dashboard} to create it`);
      const started = first.records.findIndex((r) => /^Laurel .* started/.test(r.msg));
      assert.ok(started >= 0 && started < first.records.length - 2, 'the banner follows the start line');
      const page = await fetch(first.dashboard, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>Laurel<\/title>/);
      const setup = await fetch(new URL('/console/v1/setup', first.dashboard), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse battery' }),
      });
      assert.equal(setup.status, 201, await setup.text());
    } finally {
      await stop(first.child);
    }

    const second = await start();
    try {
      assert.equal(second.owner, `Owner account exists: sign in at ${second.dashboard}`);
    } finally {
      await stop(second.child);
    }
  });
});
