#!/usr/bin/env node
// The whole local loop in one command, from a fresh Laurel to a verified event in your handler:
//
//   node examples/local-loop/local-loop.mjs        (anywhere in the repository, after npm install)
//
//   1. laurel start                     a throwaway Laurel: SQLite in a temp dir, on a free port
//   2. laurel keys create               an admin API key for the development environment
//   3. laurel listen --print-secret     the secret laurel listen signs with
//   4. examples/express/server.ts       the Express example as your local handler, with that secret
//   5. laurel listen --forward-to URL   the environment's events, forwarded to the handler
//   6. a metric and an active achievement over the Admin API, then the metric event an app sends
//   7. waits until the handler logs "verified achievement.completed", stops everything, exits 0
//
// Each process's output is shown after its name. The database and the CLI's config live in the
// temp dir, which is removed at the end, so nothing of yours is read or changed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const laurelBin = join(root, 'packages/server/bin/laurel.js');
/** How long to wait for each step; the whole loop takes a few seconds. */
const STEP_TIMEOUT_MS = 30_000;

const children = [];
let dir;

async function main() {
  if (!existsSync(join(root, 'packages/server/dist/cli.js'))) {
    throw new Error('the server is not built: run npm install (or npm run build) at the repository root first');
  }
  dir = await mkdtemp(join(tmpdir(), 'laurel-local-loop-'));
  const [laurelPort, handlerPort] = [await freePort(), await freePort()];
  const server = `http://127.0.0.1:${laurelPort}`;
  const handlerUrl = `http://127.0.0.1:${handlerPort}/webhooks`;
  // What `npm start` and `npx laurel ...` read; the same DATABASE_URL makes them agree.
  const { LAUREL_API_KEY: _key, LAUREL_SERVER: _server, LAUREL_LISTEN_SECRET: _secret, ...inherited } = process.env;
  const env = { ...inherited, DATABASE_URL: `sqlite:${join(dir, 'laurel.db')}`, PORT: String(laurelPort), XDG_CONFIG_HOME: join(dir, 'config'), LOG_LEVEL: 'warn' };

  step(`laurel start  (DATABASE_URL=sqlite:<temp>/laurel.db PORT=${laurelPort})`);
  const laurel = start('laurel', process.execPath, [laurelBin, 'start'], env);
  await waitUntilHealthy(server, laurel);

  step('laurel keys create --environment development');
  const apiKey = (await output(process.execPath, [laurelBin, 'keys', 'create', '--environment', 'development'], env)).trim();
  console.log(`  an admin key for "development": ${apiKey.slice(0, 12)}...`);

  step('export LAUREL_WEBHOOK_SECRET=$(laurel listen --print-secret)');
  const secret = (await output(process.execPath, [laurelBin, 'listen', '--print-secret'], env)).trim();
  console.log(`  ${secret.slice(0, 12)}...`);

  step(`RECEIVER_PORT=${handlerPort} tsx examples/express/server.ts`);
  const handler = start('handler', process.execPath, ['--import', 'tsx', 'examples/express/server.ts'], { ...env, RECEIVER_PORT: String(handlerPort), LAUREL_WEBHOOK_SECRET: secret });
  await handler.waitFor(/Receiving webhooks at/);

  step(`laurel listen --forward-to ${handlerUrl} --server ${server}`);
  const listen = start('listen', process.execPath, [laurelBin, 'listen', '--forward-to', handlerUrl, '--server', server], { ...env, LAUREL_API_KEY: apiKey });
  await listen.waitFor(/^Ready\. Forwarding/);

  step('POST /admin/v1/metrics and /admin/v1/achievements: metric "lessons", achievement "First lesson" (1 lesson, active)');
  const admin = (path, body) => request(server, path, apiKey, body);
  await admin('/admin/v1/metrics', [{ name: 'Lessons', key: 'lessons' }]);
  await admin('/admin/v1/achievements', [{ name: 'First lesson', key: 'first-lesson', trigger: 'metric', metricKey: 'lessons', metricValue: 1, status: 'active' }]);

  step('POST /v1/metrics/lessons/event  {"user": {"id": "test-user"}, "value": 1}  (what your app sends)');
  const event = await admin('/v1/metrics/lessons/event', { user: { id: 'test-user' }, value: 1 });
  console.log(`  completed: ${event.achievements.map((a) => a.name).join(', ') || 'nothing'}`);

  const [line] = await handler.waitFor(/verified achievement\.completed: .*/);
  await listen.waitFor(/achievement\.completed +200 /, 'stdout');
  console.log(`\nDone. The handler logged:\n  ${line}`);
}

/** Prints a step of the loop, as the command you would type. */
function step(command) {
  console.log(`\n$ ${command}`);
}

/**
 * A long-running process whose output lines are shown after its name and kept, so a step can
 * wait for one of them.
 */
function start(name, command, args, env) {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines = { stdout: [], stderr: [] };
  for (const stream of ['stdout', 'stderr']) {
    let partial = '';
    child[stream].on('data', (chunk) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop();
      for (const part of parts) {
        lines[stream].push(part);
        console.log(`  [${name}] ${part}`);
      }
    });
  }
  return {
    child,
    /** The first line (of either stream, or of `only`) that matches, waiting for it if need be. */
    async waitFor(pattern, only) {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      for (;;) {
        for (const stream of only ? [only] : ['stdout', 'stderr']) {
          for (const text of lines[stream]) {
            const match = text.match(pattern);
            if (match) return match;
          }
        }
        if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before printing ${pattern}`);
        if (Date.now() > deadline) throw new Error(`${name} did not print ${pattern} within ${STEP_TIMEOUT_MS / 1000} s`);
        await sleep(50);
      }
    },
  };
}

/** Runs a command to its end and answers its stdout; its stderr is shown. */
function output(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => process.stdout.write(`  ${chunk}`));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${args.slice(1).join(' ')} exited with code ${code}`))));
  });
}

async function waitUntilHealthy(server, laurel) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    try {
      if ((await fetch(`${server}/healthz`)).ok) return;
    } catch {}
    if (laurel.child.exitCode !== null) throw new Error(`laurel start exited with code ${laurel.child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`Laurel was not healthy within ${STEP_TIMEOUT_MS / 1000} s`);
    await sleep(100);
  }
}

async function request(server, path, apiKey, body) {
  const response = await fetch(`${server}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok || answer.issues?.length) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops every process this script started (Ctrl-C for listen, as you would) and removes the temp dir. */
async function stopAll() {
  await Promise.all(
    children.reverse().map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  if (dir) await rm(dir, { recursive: true, force: true });
}

let code = 0;
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
try {
  await main();
} catch (error) {
  console.error(`\nlocal-loop failed: ${error instanceof Error ? error.message : error}`);
  code = 1;
} finally {
  await stopAll();
}
process.exit(code);
