// Diagnostic preload for `bench:events --count-sql`: loaded into the Laurel process with
// `--import`, it counts every SQL statement executed (better-sqlite3 and pg) by its text and, at
// exit, writes the counts to BENCH_SQL_COUNT_FILE as JSON. For SQLite, whose statements run
// synchronously in this process, it also sums the time each statement shape took. Counting costs
// CPU: figures from such a run are for the statement mix, not for throughput.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const counts = new Map<string, { n: number; ms: number }>();
const count = (sql: unknown, ms = 0): void => {
  const text = typeof sql === 'string' ? sql : typeof sql === 'object' && sql !== null && 'text' in sql ? String((sql as { text: unknown }).text) : String(sql);
  // One entry per statement shape: values are bound parameters already, but IN lists vary in length.
  const key = text.replace(/\s+/g, ' ').replace(/(\$\d+|\?)(, (\$\d+|\?))+/g, '$1, ...').trim();
  const entry = counts.get(key);
  if (entry) {
    entry.n++;
    entry.ms += ms;
  } else counts.set(key, { n: 1, ms });
};

// better-sqlite3: Statement is not exported; take its prototype from a statement.
type StatementProto = Record<'run' | 'get' | 'all' | 'iterate', (...args: unknown[]) => unknown> & { source: string };
const SQLite = require('better-sqlite3') as new (path: string) => { prepare(sql: string): object; close(): void };
const probe = new SQLite(':memory:');
const statementProto = Object.getPrototypeOf(probe.prepare('select 1')) as StatementProto;
probe.close();
for (const method of ['run', 'get', 'all', 'iterate'] as const) {
  const original = statementProto[method];
  statementProto[method] = function (this: StatementProto, ...args: unknown[]) {
    const started = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      count(this.source, performance.now() - started);
    }
  };
}

// pg: every query, pooled or not, goes through Client.prototype.query.
const pg = require('pg') as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  count(args[0]);
  return originalQuery.apply(this, args);
};

const file = process.env.BENCH_SQL_COUNT_FILE;
process.on('exit', () => {
  if (file) writeFileSync(file, JSON.stringify(Object.fromEntries([...counts].sort((a, b) => b[1].n - a[1].n)), null, 1));
});
