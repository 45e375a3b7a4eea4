import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Backend } from '../../src/store/backends/backend.js';
import { openBackend } from '../../src/store/open-backend.js';
import { rowSet } from '../../src/store/row-set.js';
import { forEachBackend } from '../support/backends.js';

// Payloads are signed byte for byte, so whatever crosses as JSON must come out exactly as it went in.
const AWKWARD = ['', 'plain', 'quote \' and "double"', 'back\\slash', 'line\nbreak\ttab', 'emoji 🏆 and é', '\u2028\u2029', '{"type":"json","n":1}', 'x'.repeat(100_000)];

forEachBackend('row sets (a batch bound as one JSON parameter)', (database) => {
  let backend: Backend;
  before(async () => {
    backend = openBackend(database().url);
    await sql`create table row_set_probe (id text primary key, label text, n bigint, small integer)`.execute(backend.db);
  });
  after(() => backend.close());

  test('inserts text, nulls and integers exactly, in one statement whatever the batch size', async () => {
    const rows = AWKWARD.map((label, i) => ({ id: `r${i}`, label, n: 2 ** 53 - 1 - i, small: i % 2 === 0 ? i : null }));
    await sql`insert into row_set_probe (id, label, n, small) select id, label, n, small from ${rowSet(backend.kind, 'r', { id: 'text', label: 'text', n: 'bigint', small: 'integer' }, rows)}`.execute(backend.db);
    const read = await backend.db.selectFrom('row_set_probe' as never).selectAll().orderBy('id' as never).execute();
    const byId = new Map((read as { id: string; label: string; n: number | string; small: number | null }[]).map((row) => [row.id, row]));
    for (const row of rows) {
      const stored = byId.get(row.id)!;
      assert.equal(stored.label, row.label);
      assert.equal(Number(stored.n), row.n);
      assert.equal(stored.small, row.small);
    }
  });

  test('joins in an update, matching on every column given', async () => {
    const result = await sql<{ id: string }>`
      update row_set_probe set label = u.label
      from ${rowSet(backend.kind, 'u', { id: 'text', small: 'integer', label: 'text' }, [
        { id: 'r0', small: 0, label: 'changed' },
        { id: 'r2', small: 99, label: 'not this one: small does not match' },
        { id: 'missing', small: 0, label: 'no such row' },
      ])}
      where row_set_probe.id = u.id and row_set_probe.small = u.small
      returning row_set_probe.id
    `.execute(backend.db);
    assert.deepEqual(result.rows.map((row) => row.id), ['r0']);
    const labels = await backend.db.selectFrom('row_set_probe' as never).select(['id' as never, 'label' as never]).where('id' as never, 'in', ['r0', 'r2'] as never).orderBy('id' as never).execute();
    assert.deepEqual(labels, [{ id: 'r0', label: 'changed' }, { id: 'r2', label: AWKWARD[2] }]);
  });

  test('an empty batch is an empty table', async () => {
    const result = await sql<{ id: string }>`select id from ${rowSet(backend.kind, 'e', { id: 'text' }, [])}`.execute(backend.db);
    assert.deepEqual(result.rows, []);
  });
});
