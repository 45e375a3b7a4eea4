/**
 * The built bundle is split by area: the entry chunk carries no page, and the webhook pages (the
 * delivery log) never load the configuration editors' code, nor the other way round. Reads the
 * manifest Vite writes next to the build (`npm test` builds first).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

interface Chunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

const manifest = JSON.parse(readFileSync(new URL('../../dist/.vite/manifest.json', import.meta.url), 'utf8')) as Record<string, Chunk>;

/** Every module source that loading this chunk brings in (static imports only: what must download before it runs). */
function staticClosure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) staticClosure(imported, seen);
  return seen;
}

/** The source files bundled into these chunks, read from their source maps (shared chunks have no `src`). */
function sourcesOf(keys: Iterable<string>): string[] {
  return [...keys].flatMap((key) => {
    const map = JSON.parse(readFileSync(new URL(`../../dist/${manifest[key]!.file}.map`, import.meta.url), 'utf8')) as { sources: string[] };
    return map.sources.map((source) => source.replace(/^(\.\.\/)+/, ''));
  });
}

const pagesUnder = (folder: string) => Object.keys(manifest).filter((key) => key.startsWith(`src/pages/${folder}/`) && key.endsWith('Page.tsx'));

test('the entry chunk loads no page', () => {
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  assert.ok(entry, 'the manifest names an entry');
  const loaded = sourcesOf(staticClosure(entry));
  assert.ok(loaded.includes('src/App.tsx'), `entry sources look like ${loaded.slice(0, 3).join(', ')}`);
  assert.deepEqual(loaded.filter((source) => source.startsWith('src/pages/') && !source.startsWith('src/pages/auth/')), []);
  assert.ok(manifest[entry]!.dynamicImports!.length >= 10, 'pages are loaded on demand');
});

test('the webhook pages do not load the configuration editors, nor the other way round', () => {
  const webhookPages = pagesUnder('webhooks');
  const configPages = pagesUnder('config');
  assert.ok(webhookPages.length >= 2 && configPages.length >= 5, `found ${webhookPages.length} webhook and ${configPages.length} config pages`);
  for (const page of webhookPages) {
    const loaded = sourcesOf(staticClosure(page));
    assert.ok(loaded.some((source) => source.startsWith('src/pages/webhooks/')), `source maps of ${page} name its sources`);
    assert.deepEqual(loaded.filter((source) => source.startsWith('src/pages/config/')), [], `${page} pulls in configuration code`);
  }
  for (const page of configPages) {
    const loaded = sourcesOf(staticClosure(page));
    assert.deepEqual(loaded.filter((source) => source.startsWith('src/pages/webhooks/')), [], `${page} pulls in webhook code`);
  }
});
