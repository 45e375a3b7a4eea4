import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SUPPORTED_NODE_RANGE, unsupportedNodeMessage } from '../../src/supported-node.js';

const root = new URL('../../../../', import.meta.url);

test('Node 20.19+, 22.12+ and 24+ start; older lines and the odd 21 and 23 get one line naming the version', () => {
  for (const version of ['20.19.0', '20.20.2', '22.12.0', '22.23.5', '24.0.0', '24.22.3', '26.12.1', process.versions.node]) {
    assert.equal(unsupportedNodeMessage(version), undefined, version);
  }
  for (const version of ['18.20.8', '20.11.1', '20.18.3', '21.7.3', '22.11.0', '23.11.1']) {
    const message = unsupportedNodeMessage(version);
    assert.ok(message, `${version} should be refused`);
    assert.equal(message.split('\n').length, 1);
    assert.match(message, new RegExp(`Laurel needs Node\\.js 20\\.19\\+, 22\\.12\\+ or 24\\+, and this is Node\\.js v${version.replaceAll('.', '\\.')}`));
  }
});

test('every package.json of the app says the same range in engines (the SDK keeps its own: it runs in users\' services)', () => {
  for (const path of ['package.json', 'packages/server/package.json', 'packages/dashboard/package.json', 'examples/package.json']) {
    const { engines } = JSON.parse(readFileSync(new URL(path, root), 'utf8')) as { engines?: { node?: string } };
    assert.equal(engines?.node, SUPPORTED_NODE_RANGE, path);
  }
});
