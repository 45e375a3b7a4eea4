import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ApiError, catalogue, consoleErrors, errors, serverErrors, ServerError } from '../src/errors.js';

const API_DOC = new URL('../../../docs/api.md', import.meta.url);

// The catalogue is the only place statuses come from, so checking it covers every route.
test('every error of `errors` is a 4xx other than 409, and builds an ApiError with its code and status', () => {
  for (const [name, entry] of Object.entries(errors)) {
    assert.ok(entry.status >= 400 && entry.status < 500, `${name}: ${entry.status}`);
    assert.notEqual(entry.status, 409, `${name}: Trophy's SDK retries 409, so it never means a client mistake here`);
    const error = (entry as (...args: unknown[]) => ApiError)(...sampleArguments(name));
    assert.ok(error instanceof ApiError, name);
    assert.deepEqual([error.code, error.statusCode], [entry.code, entry.status], name);
    assert.ok(error.message.length > 0 && !error.message.includes('undefined'), `${name}: ${error.message}`);
  }
});

test("the console API's conflicts are 409, with a message", () => {
  for (const [name, entry] of Object.entries(consoleErrors)) {
    const error = entry('sample');
    assert.ok(error instanceof ApiError, name);
    assert.equal(error.statusCode, 409, name);
    assert.ok(error.message.length > 0 && !error.message.includes('undefined'), `${name}: ${error.message}`);
  }
});

test("Laurel's own failures are 5xx ServerErrors; only a busy database says when to retry", () => {
  const busy = serverErrors.databaseBusy();
  assert.ok(busy instanceof ServerError && !(busy instanceof ApiError));
  assert.deepEqual([busy.code, busy.statusCode, busy.retryAfterSeconds], ['database_busy', 503, 1]);
  const internal = serverErrors.internal();
  assert.deepEqual([internal.code, internal.statusCode, internal.retryAfterSeconds, internal.message], ['internal_error', 500, undefined, 'Internal server error']);
});

test('codes are snake_case, and a code means one status wherever it is used', () => {
  const statusOf = new Map<string, number>();
  for (const entry of catalogue) {
    assert.match(entry.code, /^[a-z]+(_[a-z]+)*$/);
    assert.equal(statusOf.get(entry.code) ?? entry.status, entry.status, `${entry.code} has two statuses`);
    statusOf.set(entry.code, entry.status);
  }
  // notFound and notFoundInEnvironment are the one pair sharing a code: the second only says more.
  assert.equal(statusOf.size, catalogue.length - 1);
});

test("docs/api.md's errors table lists exactly the catalogue's codes, each with its status", () => {
  const documented = errorsTable(readFileSync(API_DOC, 'utf8'));
  const inCatalogue = new Map(catalogue.map((entry) => [entry.code, entry.status]));
  assert.deepEqual(
    [...documented.keys()].filter((code) => !inCatalogue.has(code)),
    [],
    'the table names codes that do not exist',
  );
  assert.deepEqual(
    [...inCatalogue.keys()].filter((code) => !documented.has(code)),
    [],
    'codes missing from the table',
  );
  for (const [code, status] of inCatalogue) assert.equal(documented.get(code), status, `${code}: the table's status`);
});

test('a missing content-type and a wrong one get different advice', () => {
  assert.match(errors.unsupportedMediaType(undefined).message, /^Missing content-type/);
  assert.match(errors.unsupportedMediaType('text/plain').message, /"text\/plain"/);
});

test('a not-found on the Application API names the environment searched, and how the request chose it', () => {
  const production = { name: 'production', kind: 'production' };
  assert.equal(
    errors.notFoundInEnvironment('Metric', 'lessons', production, 'key').message,
    'Metric not found: lessons (looked in environment "production", kind production, the environment of this API key)',
  );
  assert.match(errors.notFoundInEnvironment('User', 'ada', production, 'session').message, /^User not found: ada .*X-Laurel-Environment/);
  // Both keep what was looked up, so the environment can be named after the fact.
  assert.deepEqual(errors.notFound('Metric', 'lessons').lookup, { what: 'Metric', id: 'lessons' });
  assert.deepEqual(errors.notFoundInEnvironment('Metric', 'lessons', production, 'key').lookup, { what: 'Metric', id: 'lessons' });
});

function sampleArguments(name: string): unknown[] {
  if (name === 'unknownAttributes') return ['user', ['sample']];
  if (name === 'notFoundInEnvironment') return ['Metric', 'sample', { name: 'production', kind: 'production' }, 'key'];
  return ['sample', 'sample'];
}

/** Code -> status from the table under "### Errors" whose header is `| Code | Status | ... |`; a code listed twice fails. */
function errorsTable(markdown: string): Map<string, number> {
  const section = markdown.split(/^### Errors$/m)[1]?.split(/^#{1,3} /m)[0];
  assert.ok(section, 'docs/api.md has a "### Errors" section');
  const lines = section.split('\n');
  const header = lines.findIndex((line) => /^\|\s*Code\s*\|\s*Status\s*\|/.test(line));
  assert.ok(header >= 0, 'the Errors section has a table with the columns Code and Status');
  const table = new Map<string, number>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [code, status] = line.split('|').slice(1, 3).map((cell) => cell.trim());
    const match = /^`([a-z_]+)`$/.exec(code ?? '');
    assert.ok(match && /^\d{3}$/.test(status ?? ''), `a row reads | \`code\` | status | when |: ${line}`);
    assert.ok(!table.has(match[1]!), `${match[1]} is listed twice`);
    table.set(match[1]!, Number(status));
  }
  return table;
}
