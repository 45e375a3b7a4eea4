// Node 20's --test has no glob for .ts files and a bare `node --test` runs nothing, so list them here.
// Usage, from a workspace folder: node ../../scripts/run-tests.mjs [substring ...]  (runs test/**/*.test.ts
// of the current folder; only files whose path contains one of the substrings, when given)
//
// What the tests need beyond Node is decided here, once for the whole run, so a missing resource is
// one line and not one per suite or file: PostgreSQL in a workspace whose tests run on both
// backends (it has test/support/backends.ts), Chromium for the browser tests (test/e2e/). Without
// PostgreSQL the run is narrowed with LAUREL_TEST_BACKENDS=sqlite; without Chromium the browser
// tests are left out. Under CI=true either is an error instead, as it is when asked for explicitly.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const inCi = process.env.CI === 'true';

/** Ends the run before any test starts: a resource this run must have is missing. */
function missingRequired(what, reason) {
  console.error(`${what} cannot run: ${reason}${inCi ? ' (CI=true: nothing is skipped in CI)' : ''}`);
  process.exit(1);
}

/** undefined when PostgreSQL answers at DATABASE_URL (or LAUREL_TEST_DATABASE_URL); otherwise why not. */
async function postgresMissing() {
  const url = [process.env.LAUREL_TEST_DATABASE_URL, process.env.DATABASE_URL].find((u) => u && /^postgres(ql)?:\/\//.test(u));
  if (!url) return { reason: 'set DATABASE_URL=postgres://... to run them', configured: false };
  // pg is the server's dependency: resolve it from the workspace, not from scripts/.
  const { default: pg } = await import(createRequire(join(process.cwd(), 'package.json')).resolve('pg'));
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    const redacted = url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
    return { reason: `PostgreSQL at ${redacted} is not reachable (${error.message})`, configured: true };
  } finally {
    await client.end().catch(() => {});
  }
}

const filters = process.argv.slice(2);
let files = find('test').sort().filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const env = { ...process.env };

const backends = process.env.LAUREL_TEST_BACKENDS?.split(',').map((s) => s.trim());
if (existsSync(join('test', 'support', 'backends.ts')) && (!backends || backends.includes('postgres'))) {
  const missing = await postgresMissing();
  // No DATABASE_URL at all is a choice (SQLite only), even in CI; one that does not answer is a broken set-up there.
  if (missing && (backends || (inCi && missing.configured))) missingRequired('PostgreSQL tests', missing.reason);
  if (missing) {
    console.log(`PostgreSQL tests skipped: ${missing.reason}`);
    env.LAUREL_TEST_BACKENDS = 'sqlite';
  }
}

const isBrowserTest = (file) => file.startsWith(join('test', 'e2e') + sep);
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (files.some(isBrowserTest) && !existsSync(chromium)) {
  const reason = `no chromium at ${chromium} (install Debian's chromium package, or set CHROMIUM_PATH)`;
  if (inCi) missingRequired('browser tests', reason);
  console.log(`browser tests skipped: ${reason}`);
  files = files.filter((file) => !isBrowserTest(file));
  if (files.length === 0) process.exit(0);
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
