// npm run bench:events [-- --seconds S --connections C --rate R --users U --warmup S --config none|full|both
//                          --backends sqlite,postgres --postgres-url URL --cpu-prof DIR --count-sql]
// Metric events per second through `POST /v1/metrics/{key}/event` on SQLite and PostgreSQL, with
// a realistic configuration (one daily streak with freezes, three metric achievements, one webhook
// subscribed to every event type and delivered by the worker during the run), beside a bare
// Fastify route measured in the same run as the ceiling. Results go in docs/BENCHMARKS.md.
//
// --config full adds issue 14's points and leaderboards (events-setup.ts
// configurePointsAndLeaderboards: two points systems with metric and streak triggers, levels, an
// active boost, two leaderboards, one broken down by city); --config both measures Laurel with
// none and with full on each backend in the same run, the same load (users carrying a city either
// way), and reports full's throughput as a ratio of none's (target >= 0.8) and its p99 at 1,000
// events/s on SQLite (target < 25 ms).
//
// Laurel runs as `laurel start` in a child process, the webhook receiver in another and the
// ceiling in a third; autocannon runs here. On a 2-core machine the generator and the server
// still share the cores, which is the case for the ceiling too: compare ratios, not absolutes.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { autocannonLoad, pacedLoad, type LoadResult, type LoadTarget } from './events-load.js';
import { postgresReachable, processCpuMs, scratchDatabase, startCeilingProcess, startLaurelProcess, type ServerProcess } from './events-processes.js';
import { ACHIEVEMENT_THRESHOLDS, METRIC_KEY, configureLaurel, configurePointsAndLeaderboards } from './events-setup.js';
import { startReceiver, type Receiver } from './receiver.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '1000' },
    users: { type: 'string', default: '10000' },
    /** Seconds of load before the measured runs of each server (JIT, caches, sockets); not reported. */
    warmup: { type: 'string', default: '5' },
    /** Run only these backends (comma-separated): sqlite, postgres. */
    backends: { type: 'string', default: 'sqlite,postgres' },
    /** A PostgreSQL server; the run creates its own database on it and drops it afterwards. */
    'postgres-url': { type: 'string', default: /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL! : 'postgres://postgres@127.0.0.1:5432/postgres' },
    /** Write a V8 CPU profile of each Laurel process into this directory (node --cpu-prof). */
    'cpu-prof': { type: 'string' },
    /** Count the SQL statements each Laurel process runs, per event (slows it down: diagnostic only). */
    'count-sql': { type: 'boolean', default: false },
    /** none: the configuration above; full: with points and leaderboards too; both: one after the other. */
    config: { type: 'string', default: 'none' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const rate = Number(values.rate);
const users = Number(values.users);
const warmup = Number(values.warmup);
const postgresUrl = values['postgres-url'];
const backends = values.backends.split(',').map((b) => b.trim());
const cpuProfDir = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;
if (!['none', 'full', 'both'].includes(values.config)) throw new Error('--config must be none, full or both');
type Config = 'none' | 'full';
const configs: Config[] = values.config === 'both' ? ['none', 'full'] : [values.config as Config];
/** Cities the users are spread over when points and leaderboards are measured (by both configs, for the same load). */
const cities = configs.includes('full') ? 100 : undefined;
for (const [name, n] of Object.entries({ seconds, connections, rate, users, warmup })) {
  if (!Number.isFinite(n) || n < 0 || (name !== 'warmup' && n === 0)) throw new Error(`--${name} must be a positive number`);
}

/** The admin key the Laurel processes register at start (LAUREL_BOOTSTRAP_API_KEY), fixed for this run. */
const apiKey = `benchevt.${randomBytes(24).toString('base64url')}`;
/** Where --count-sql's per-process counts are written. */
let sqlCountDir: string | undefined;

interface Row {
  name: string;
  load?: LoadResult;
  /** Webhooks the receiver answered for this run, and how long after the load they kept coming. */
  webhooks?: { count: number; drainMs: number };
  /** Server process CPU (all threads, user + system) per answered request, in µs, webhook deliveries included. */
  cpuUs?: number;
  ratio?: number;
  note?: string;
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(
  `date: ${new Date().toISOString()}; ${seconds} s per run, ${connections} connections, fixed-rate runs at ${rate}/s, ` +
    `events spread over ${users} users, ${warmup} s warm-up per server\n`,
);

const rows: Row[] = [];
const failures: string[] = [];
const receiver = await startReceiver();
let ceilingPerSecond: number | undefined;
try {
  // ---- The ceiling: a bare Fastify route, same requests, same generator settings.
  const ceiling = await startCeilingProcess();
  try {
    const target: LoadTarget = { origin: ceiling.origin, metricKey: METRIC_KEY, users, ...(cities ? { cities } : {}) };
    if (warmup > 0) await autocannonLoad(target, { connections, seconds: warmup });
    const max = await measure(ceiling, () => autocannonLoad(target, { connections, seconds }));
    ceilingPerSecond = max.load.perSecond;
    rows.push(check({ name: 'Fastify ceiling', ...max, ratio: 1, note: `${connections} connections, as fast as answered` }));
    const paced = await measure(ceiling, () => pacedLoad(target, { connections, seconds, rate }));
    rows.push(check({ name: `Fastify ceiling, ${rate}/s paced`, ...paced, note: pacedNote(paced.load, rate) }));
  } finally {
    await ceiling.close();
  }

  // ---- Laurel on each backend.
  for (const backend of ['sqlite', 'postgres'] as const) {
    if (!backends.includes(backend)) continue;
    const base = backend === 'sqlite' ? 'Laurel, SQLite' : 'Laurel, PostgreSQL';
    if (backend === 'postgres' && !(await postgresReachable(postgresUrl))) {
      const line = `${base}: skipped, no PostgreSQL reachable at ${redact(postgresUrl)}`;
      console.log(line);
      rows.push({ name: base, note: 'skipped: PostgreSQL not reachable' });
      continue;
    }
    for (const config of configs) rows.push(...(await benchLaurel(backend, laurelLabel(base, config), config, receiver)));
  }
} finally {
  await receiver.close();
  if (sqlCountDir) await rm(sqlCountDir, { recursive: true, force: true });
}

console.log(`\n${formatMarkdown(rows)}\n`);
for (const config of configs) {
  const label = laurelLabel('Laurel, SQLite', config);
  const sqliteMax = rows.find((r) => r.name === label)?.load;
  const sqlitePaced = rows.find((r) => r.name === `${label}, ${rate}/s paced`)?.load;
  if (sqliteMax && config === 'none') console.log(`target ≥ 3,000 events/s on SQLite: ${sqliteMax.perSecond >= 3000 ? 'met' : 'NOT met'} (${fmt(sqliteMax.perSecond)}/s)`);
  if (sqlitePaced && rate === 1000) console.log(`target p99 < 25 ms at 1,000 events/s on ${label} (paced): ${sqlitePaced.p99Ms < 25 ? 'met' : 'NOT met'} (p99 ${fmt(sqlitePaced.p99Ms, 1)} ms)`);
}
if (configs.length === 2) {
  for (const base of ['Laurel, SQLite', 'Laurel, PostgreSQL']) {
    const none = rows.find((r) => r.name === laurelLabel(base, 'none'))?.load;
    const full = rows.find((r) => r.name === laurelLabel(base, 'full'))?.load;
    if (!none || !full) continue;
    const ratio = full.perSecond / none.perSecond;
    const target = base.endsWith('SQLite') ? `target ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'}` : 'for information';
    console.log(`${base}: full configuration at ${ratio.toFixed(2)} of the throughput without points and leaderboards (${fmt(full.perSecond)}/s against ${fmt(none.perSecond)}/s; ${target})`);
  }
}
if (failures.length > 0) {
  console.error(`\nFAILED: requests that did not succeed (the figures above do not count them):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}

/** A row's name: the backend alone with one configuration, as before --config existed. */
function laurelLabel(base: string, config: Config): string {
  if (configs.length === 1 && config === 'none') return base;
  return `${base}, ${config === 'full' ? 'points and leaderboards' : 'no points or leaderboards'}`;
}

async function benchLaurel(backend: 'sqlite' | 'postgres', label: string, config: Config, receiver: Receiver): Promise<Row[]> {
  const db = await scratchDatabase(backend, postgresUrl);
  let laurel: ServerProcess | undefined;
  try {
    const execArgv: string[] = [];
    if (cpuProfDir) {
      // One directory per backend; no --cpu-prof-name, since tsx's module-loader thread writes a
      // profile too and a fixed name would let it overwrite the main thread's.
      const dir = join(cpuProfDir, backend);
      await mkdir(dir, { recursive: true });
      execArgv.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
    }
    const env: Record<string, string> = {};
    if (values['count-sql']) {
      sqlCountDir ??= await mkdtemp(join(tmpdir(), 'laurel-bench-sql-'));
      execArgv.push('--import', fileURLToPath(new URL('./events-sql-count.ts', import.meta.url)));
      env.BENCH_SQL_COUNT_FILE = join(sqlCountDir, `${backend}.json`);
    }
    laurel = await startLaurelProcess({ databaseUrl: db.url, apiKey, execArgv, env });
    console.log(`${label}: pid ${laurel.pid}, ${db.label}`);
    const configured = await configureLaurel(laurel.origin, apiKey, receiver.url, { cityAttribute: cities !== undefined });
    if (config === 'full') await configurePointsAndLeaderboards(laurel.origin, apiKey);
    console.log(
      `  configured: metric "${METRIC_KEY}", achievements at ${ACHIEVEMENT_THRESHOLDS.join(', ')}, daily streak with freezes, ` +
        `webhook ${configured.webhookId} on all ${configured.eventTypes.length} event types` +
        (config === 'full' ? '; points systems xp (levels, a 2x boost) and coins with metric and streak triggers, boards xp-board and lessons-by-city' : '') +
        (cities ? `; users in ${cities} cities` : ''),
    );
    const target: LoadTarget = { origin: laurel.origin, metricKey: METRIC_KEY, apiKey, users, ...(cities ? { cities } : {}) };
    const rows: Row[] = [];

    if (warmup > 0) {
      const w = await autocannonLoad(target, { connections, seconds: warmup });
      check({ name: `${label}, warm-up`, load: w });
      await drained(receiver);
    }
    receiver.reset();

    const server = laurel;
    const max = await measure(server, () => autocannonLoad(target, { connections, seconds }), receiver);
    const ratio = ceilingPerSecond ? max.load.perSecond / ceilingPerSecond : undefined;
    rows.push(check({ name: label, ...max, ...(ratio !== undefined ? { ratio } : {}), note: `${connections} connections, as fast as answered` }));

    const bursts = await measure(server, () => autocannonLoad(target, { connections, seconds, rate }), receiver);
    rows.push(check({ name: `${label}, ${rate}/s autocannon`, ...bursts, note: "autocannon overallRate: each connection's share sent back to back at each second's start" }));

    const paced = await measure(server, () => pacedLoad(target, { connections, seconds, rate }), receiver);
    rows.push(check({ name: `${label}, ${rate}/s paced`, ...paced, note: pacedNote(paced.load, rate) }));

    // A server that could not keep up at `rate` measured its backlog there, not its latency: add
    // the latency at half the throughput it did reach.
    if (paced.load.unanswered > 0 || paced.load.perSecond < rate * 0.95) {
      const half = Math.max(1, Math.floor(max.load.perSecond / 2));
      const relaxed = await measure(server, () => pacedLoad(target, { connections, seconds, rate: half }), receiver);
      rows.push(check({ name: `${label}, ${half}/s paced`, ...relaxed, note: `half the maximum above; ${pacedNote(relaxed.load, half)}` }));
    }
    return rows;
  } finally {
    await laurel?.close();
    await db.drop();
    if (values['count-sql'] && sqlCountDir) await reportSqlCounts(label, join(sqlCountDir, `${backend}.json`));
  }
}

/** Statements per recorded event, from the counts events-sql-count.ts wrote at the process's exit. */
async function reportSqlCounts(label: string, file: string): Promise<void> {
  const counts = Object.entries(JSON.parse(await readFile(file, 'utf8')) as Record<string, { n: number; ms: number }>);
  await rm(file, { force: true });
  const events = Math.max(1, counts.find(([sql]) => /^insert into "metric_events"/i.test(sql))?.[1].n ?? 0);
  const total = counts.reduce((a, [, c]) => a + c.n, 0);
  const totalMs = counts.reduce((a, [, c]) => a + c.ms, 0);
  console.log(
    `\n${label}: ${fmt(total)} SQL statements for ${fmt(events)} events: ${fmt(total / events, 1)} per event (API and worker together)` +
      (totalMs > 0 ? `, ${fmt((totalMs * 1000) / events)} µs of SQLite per event` : ''),
  );
  const shown = totalMs > 0 ? [...counts].sort((a, b) => b[1].ms - a[1].ms) : counts;
  for (const [sql, c] of shown.slice(0, 25)) {
    const time = totalMs > 0 ? `${fmt((c.ms * 1000) / events).padStart(5)} µs  ` : '';
    console.log(`  ${fmt(c.n / events, 2).padStart(5)}/event  ${time}${sql.slice(0, 150)}`);
  }
}

function pacedNote(r: LoadResult & { lateSends: number; unanswered: number }, perSecond: number): string {
  const parts = [`one request due every ${fmt(1000 / perSecond, 2)} ms, latency from its due time`];
  if (r.unanswered > 0) parts.push(`**overloaded**: ${fmt(r.unanswered)} still unanswered 10 s after the last was due (abandoned; latencies are lower bounds)`);
  if (r.lateSends > 0) parts.push(`${fmt(r.lateSends)} sent > 5 ms late`);
  return parts.join('; ');
}

/** Records any request that did not succeed. */
function check(row: Row): Row {
  const load = row.load!;
  // Other work on the machine shows in every figure; say how busy it was.
  console.log(`  ${row.name}: ${fmt(load.perSecond)}/s, p50 ${fmt(load.p50Ms, 1)} ms, p99 ${fmt(load.p99Ms, 1)} ms (load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  if (load.non2xx > 0 || load.errors > 0) {
    failures.push(`${row.name}: ${load.non2xx} non-2xx, ${load.errors} errors/timeouts; statuses ${JSON.stringify(load.statuses)}; first: ${load.firstFailure ?? '-'}`);
  }
  return row;
}

/**
 * Runs one load and reports it with the server's CPU per answered request. With a receiver, the
 * measurement lasts until the worker has delivered the webhooks the load caused, so their cost
 * counts too, and the receiver starts the next run from zero.
 */
async function measure<L extends LoadResult>(server: ServerProcess, run: () => Promise<L>, receiver?: Receiver): Promise<{ load: L; cpuUs?: number; webhooks?: { count: number; drainMs: number } }> {
  receiver?.reset();
  const cpuBefore = await processCpuMs(server.pid);
  const load = await run();
  const webhooks = receiver ? await drained(receiver) : undefined;
  const cpuAfter = await processCpuMs(server.pid);
  const cpuUs = cpuBefore !== undefined && cpuAfter !== undefined && load.ok > 0 ? ((cpuAfter - cpuBefore) * 1000) / load.ok : undefined;
  return { load, ...(cpuUs !== undefined ? { cpuUs } : {}), ...(webhooks ? { webhooks } : {}) };
}

/** Waits until the receiver has seen no webhook for a second: the worker has caught up. */
async function drained(receiver: Receiver): Promise<{ count: number; drainMs: number }> {
  const started = performance.now();
  let last = receiver.count();
  let lastChange = performance.now();
  while (performance.now() - lastChange < 1_000 && performance.now() - started < 120_000) {
    await new Promise((r) => setTimeout(r, 100));
    const now = receiver.count();
    if (now !== last) {
      last = now;
      lastChange = performance.now();
    }
  }
  return { count: last, drainMs: Math.max(0, lastChange - started) };
}

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined || Number.isNaN(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits > 0 ? Math.min(digits, 1) : 0 });
}

function formatMarkdown(rows: readonly Row[]): string {
  const lines = [
    '| | events/s | p50 ms | p99 ms | 2xx | non-2xx | errors | server CPU µs/event | webhooks delivered (drain after load) | ratio to ceiling | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const l = r.load;
    const hooks = r.webhooks ? `${fmt(r.webhooks.count)} (${fmt(r.webhooks.drainMs / 1000, 1)} s)` : '';
    lines.push(
      `| ${r.name} | ${l ? fmt(l.perSecond) : ''} | ${l ? fmt(l.p50Ms, 1) : ''} | ${l ? fmt(l.p99Ms, 1) : ''} | ${l ? fmt(l.ok) : ''} | ${l ? fmt(l.non2xx) : ''} | ${l ? fmt(l.errors) : ''} | ${r.cpuUs !== undefined ? fmt(r.cpuUs) : ''} | ${hooks} | ${r.ratio !== undefined ? r.ratio.toFixed(r.ratio < 0.1 ? 3 : 2) : ''} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
