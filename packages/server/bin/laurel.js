#!/usr/bin/env node
// The CLI runs from the compiled output (built by `npm install` through the root `prepare` script).
// The Node.js version is checked before the CLI loads: on an old Node its imports would fail first.
import { unsupportedNodeMessage } from '../dist/supported-node.js';

const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported) {
  console.error(unsupported);
  process.exit(1);
}
await import('../dist/cli.js');
