import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, consoleErrors, errors } from '../../src/http/errors.js';

// The catalogue is the only place statuses come from, so checking it covers every route.
test('every error in the catalogue is a 4xx other than 409, with a message', () => {
  for (const [name, build] of Object.entries(errors)) {
    const args =
      name === 'unknownAttributes'
        ? ['user', ['sample']]
        : name === 'notFoundInEnvironment'
          ? ['Metric', 'sample', { name: 'production', kind: 'production' }, 'key']
          : ['sample', 'sample'];
    const error = (build as (...args: unknown[]) => unknown)(...args);
    assert.ok(error instanceof ApiError, name);
    assert.ok(error.statusCode >= 400 && error.statusCode < 500, `${name}: ${error.statusCode}`);
    assert.notEqual(error.statusCode, 409, `${name}: Trophy's SDK retries 409, so it never means a client mistake here`);
    assert.ok(error.message.length > 0 && !error.message.includes('undefined'), `${name}: ${error.message}`);
  }
});

test('the console API\'s conflicts are 409, with a message', () => {
  for (const [name, build] of Object.entries(consoleErrors)) {
    const error = (build as (...args: unknown[]) => unknown)('sample');
    assert.ok(error instanceof ApiError, name);
    assert.equal(error.statusCode, 409, name);
    assert.ok(error.message.length > 0 && !error.message.includes('undefined'), `${name}: ${error.message}`);
  }
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
});
