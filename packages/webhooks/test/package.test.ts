import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import * as packaged from '@laurel/webhooks';
import * as source from '../src/index.js';
import { newSecret, sign } from './support/signing.js';

/** The built package, as users import it (the test script builds it first). */
describe('the published package', () => {
  it('exports from dist what src exports', () => {
    assert.deepEqual(Object.keys(packaged).sort(), Object.keys(source).sort());
  });

  it('verifies a delivery through its own entry point', async () => {
    const secret = newSecret();
    const signed = sign([secret], { type: 'points.level_changed' });
    assert.equal((await packaged.verify(signed.body, signed.headers, secret)).type, 'points.level_changed');
  });

  it('has no runtime dependencies and nothing Node-only in dist, so edge runtimes can load it', async () => {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(manifest.dependencies, undefined);
    const dist = new URL('../dist/', import.meta.url);
    for (const file of (await readdir(dist)).filter((name) => name.endsWith('.js'))) {
      const code = await readFile(new URL(file, dist), 'utf8');
      const imports = [...code.matchAll(/\b(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
      if (file === 'index.js') assert.ok(imports.length >= 8, 'the import scan finds the index\'s re-exports');
      for (const specifier of imports) assert.match(specifier, /^\.\/[\w-]+\.js$/, `${file} imports ${specifier}`);
      assert.doesNotMatch(code, /\b(require\(|process\.|Buffer\.|__dirname)/, file);
    }
  });
});
