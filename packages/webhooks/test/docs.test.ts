import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { handlerAnswers, verificationErrors } from '../src/index.js';

describe('docs/receiving-webhooks.md', () => {
  it('lists every error code with the status the handlers answer, and no other', async () => {
    const doc = await readFile(new URL('../../../docs/receiving-webhooks.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('### Error codes'), doc.indexOf('## Idempotency'));
    const documented = Object.fromEntries([...section.matchAll(/^\| `(\w+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));
    const defined = Object.fromEntries(
      Object.entries({ ...verificationErrors, ...handlerAnswers }).map(([code, { status }]) => [code, status as number]),
    );
    assert.deepEqual(documented, defined);
  });

  it('is linked from the root README', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    assert.match(readme, /\(docs\/receiving-webhooks\.md\)/);
  });
});
