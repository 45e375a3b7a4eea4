import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const script = fileURLToPath(new URL('../local-loop/local-loop.mjs', import.meta.url));

test('examples/local-loop: laurel start, keys, listen and the Express handler; a metric event ends verified in the handler', { timeout: 90_000 }, async (t) => {
  const started = Date.now();
  // Run as a developer would, from the repository root, with nothing of this process's set-up.
  const { LAUREL_API_KEY: _key, LAUREL_SERVER: _server, DATABASE_URL: _db, PORT: _port, ...env } = process.env;
  const child = spawn(process.execPath, [script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGINT'), 60_000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  t.diagnostic(`the loop took ${Date.now() - started} ms`);

  assert.equal(code, 0, `${stdout}\n${stderr}`);
  assert.match(stdout, /^ {2}\[handler\] verified achievement\.completed: test-user earned "First lesson" \(delivery [0-9a-f-]{36}\)$/m);
  assert.match(stdout, /^ {2}\[listen\] \d\d:\d\d:\d\d {2}achievement\.completed +200 {2}\d+ ms {2}[0-9a-f-]{36}$/m);
  assert.match(stdout, /^ {2}completed: First lesson$/m);
  assert.match(stdout, /^Done\. The handler logged:$/m);
});
