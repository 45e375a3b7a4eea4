#!/usr/bin/env node
// The CLI runs from the compiled output (built by `npm install` through the root `prepare` script).
import '../dist/cli.js';
