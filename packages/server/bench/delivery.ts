// npm run bench:delivery [-- --total N --concurrency C --rate R --seconds S]
// Laurel's end-to-end delivery throughput and latency on SQLite and PostgreSQL, beside the raw
// limit (a plain signed POST loop with the same HTTP client) and a BullMQ + Redis peer, all
// against the same receiver in the same run. Results go in docs/BENCHMARKS.md.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { benchLaurel } from './laurel-delivery.js';
import { runPeers } from './peers-main.js';
import { startReceiver } from './receiver.js';
import { formatTable, type Row } from './stats.js';

const { values } = parseArgs({
  options: {
    total: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    'postgres-url': { type: 'string', default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    /** Run only these backends (comma-separated): sqlite, postgres. */
    backends: { type: 'string', default: 'sqlite,postgres' },
  },
});
const total = Number(values.total);
const concurrency = Number(values.concurrency);
const postgresUrl = values['postgres-url'];

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`date: ${new Date().toISOString()}; ${total} deliveries per run, concurrency ${concurrency} per receiver\n`);

const receiver = await startReceiver();
const rows: Row[] = [];
try {
  rows.push(...(await runPeers({ receiver, total, concurrency, warmup: 2_000, redisUrl: values['redis-url'] })));
  const backends = values.backends.split(',');
  if (backends.includes('sqlite')) {
    rows.push(...(await benchLaurel({ backend: 'sqlite', receiver, total, concurrency, rate: Number(values.rate), rateSeconds: Number(values.seconds) })));
  }
  if (!backends.includes('postgres')) {
    // not requested
  } else if (await reachable(postgresUrl)) {
    rows.push(...(await benchLaurel({ backend: 'postgres', postgresUrl, receiver, total, concurrency, rate: Number(values.rate), rateSeconds: Number(values.seconds) })));
  } else {
    rows.push({ name: 'Laurel, PostgreSQL', note: `skipped: no PostgreSQL at ${postgresUrl}` });
  }
} finally {
  await receiver.close();
}

console.log(formatTable(rows));
const raw = rows.find((r) => r.name === 'raw signed POST loop')?.perSecond;
if (raw) {
  console.log('\nratio to the raw limit (same run):');
  for (const row of rows) if (row.perSecond && row.name !== 'raw signed POST loop') console.log(`  ${row.name}: ${(row.perSecond / raw).toFixed(2)}`);
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
