import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, consoleErrors, errors } from '../../src/http/errors.js';

// The catalogue is the only place statuses come from, so checking it covers every route.
test('every error in the catalogue is a 4xx other than 409, with a message', () => {
  for (const [name, build] of Object.entries(errors)) {
    const args = name === 'unknownAttributes' ? ['user', ['sample']] : ['sample', 'sample'];
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
