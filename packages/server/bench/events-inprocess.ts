// node --import tsx bench/events-inprocess.ts [--events N --warmup N --concurrency C --users U --config none|full|both]
// A diagnostic beside bench:events: CPU per metric event of the write path alone, with Laurel in
// this process (API role only, no worker: webhooks stay in the outbox) and the requests made with
// Fastify's inject (no sockets, no load generator). On a machine shared with other work,
// throughput swings with the load; the CPU this process spends per event moves far less, so this
// is what compares two versions of the hot path. Same configuration and load as bench:events
// (events-setup.ts, users round-robin with a city), SQLite, each config on its own fresh file.
// Run it under `node --cpu-prof` for a profile of exactly the measured work.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { createLaurel, type Laurel } from '../src/laurel.js';
import { METRIC_KEY, configureLaurel, configurePointsAndLeaderboards } from './events-setup.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '50' },
    users: { type: 'string', default: '10000' },
    config: { type: 'string', default: 'both' },
    /** Keep the SQLite files (for EXPLAIN QUERY PLAN afterwards); their paths are printed. */
    keep: { type: 'boolean', default: false },
  },
});
const events = Number(values.events);
const warmup = Number(values.warmup);
const concurrency = Number(values.concurrency);
const users = Number(values.users);
const configs = values.config === 'both' ? (['none', 'full'] as const) : [values.config as 'none' | 'full'];
const apiKey = `benchinp.${randomBytes(24).toString('base64url')}`;
let sequence = 0;

async function run(laurel: Laurel, count: number): Promise<{ cpuUs: number; wallMs: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const lane = async () => {
    while (next < count) {
      next++;
      const n = sequence++;
      const id = n % users;
      const response = await laurel.app.inject({
        method: 'POST',
        url: `/v1/metrics/${METRIC_KEY}/event`,
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'idempotency-key': `inp-${n}` },
        payload: JSON.stringify({ user: { id: `user-${id}`, attributes: { city: `city-${id % 100}` } }, value: 1 }),
      });
      if (response.statusCode !== 201 && response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / count, wallMs: performance.now() - started };
}

const results: Record<string, number> = {};
for (const config of configs) {
  const dir = await mkdtemp(join(tmpdir(), 'laurel-bench-inp-'));
  const laurel = await createLaurel({
    config: loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'laurel.db')}`, LOG_LEVEL: 'silent', LAUREL_BOOTSTRAP_API_KEY: apiKey, PORT: '0', HOST: '127.0.0.1' }),
    roles: ['api'],
  });
  try {
    const { url } = await laurel.start();
    await configureLaurel(url, apiKey, 'http://127.0.0.1:9/hook', { cityAttribute: true });
    if (config === 'full') await configurePointsAndLeaderboards(url, apiKey);
    sequence = 0;
    await run(laurel, warmup);
    const measured = await run(laurel, events);
    results[config] = measured.cpuUs;
    console.log(
      `${config}: ${measured.cpuUs.toFixed(0)} µs CPU/event, ${((events / measured.wallMs) * 1000).toFixed(0)} events/s wall, ` +
        `${events} events after ${warmup} (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`,
    );
  } finally {
    await laurel.close();
    if (values.keep) console.log(`  kept ${join(dir, 'laurel.db')}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
if (results.none && results.full) console.log(`full/none CPU per event: ${(results.full / results.none).toFixed(2)} (throughput ratio ~ ${(results.none / results.full).toFixed(2)})`);
