// npm run bench:leaderboards [-- --quick --users N --seconds S --connections C --warmup S
//                                --backends sqlite,postgres --postgres-url URL]
// p50/p99 of the four leaderboard reads over HTTP against `laurel start`, on SQLite and PostgreSQL,
// with 1,000,000 users holding scores in one environment (--quick: 100,000), beside a bare Fastify
// GET route measured in the same run as the peer. Target (issue 14): p99 under 10 ms.
//
// The boards: `global` at the 1,000 cap, and `by-city` broken down by the user attribute city into
// 100 groups, each at the 1,000 cap. The reads: a page of `global`, a page of one city group, and
// GET /v1/users/{id}/leaderboards/global for a ranked user and for an unranked one.
//
// The data is bulk-loaded. Sending a million users' events through the write path would take
// hours on this machine and measure the writes (bench:events does that), not the reads. So the
// boards are made through the Admin API, one real metric event shows the rows the write path
// writes (run_start, group keys), and the bulk load copies those shapes with set-based SQL over a
// numbers table: every user a score on both boards (leaderboard_scores), the 1,000 best of each
// group a place (leaderboard_members, ranked as engine compareEntries ranks: value desc, then
// reached_at, then user id), the groups named (leaderboard_groups), one history row per member.
// Before measuring, a sample is checked against the read path's invariants over HTTP: rank 1 of
// each board and group holds the group's maximum score, a member's rank is its place in that
// order, and a user outside the 1,000 has rank null.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Pool } from 'undici';
import { groupKey } from '../src/engine/leaderboards/groups.js';
import { groupId } from '../src/leaderboards/group-id.js';
import { postgresReachable, scratchDatabase, startCeilingProcess, startLaurelProcess, type ServerProcess } from './events-processes.js';
import { percentile } from './stats.js';

const { values } = parseArgs({
  options: {
    /** 100,000 users instead of 1,000,000. */
    quick: { type: 'boolean', default: false },
    users: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    /** Concurrent requests per read; 1 measures each read's own cost, without queueing. */
    connections: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '2' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const users = Number(values.users ?? (values.quick ? 100_000 : 1_000_000));
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const warmup = Number(values.warmup);
const backends = values.backends.split(',').map((b) => b.trim());
const postgresUrl = values['postgres-url'];
for (const [name, n] of Object.entries({ users, seconds, connections })) {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
}

const TARGET_P99_MS = 10;
const CAP = 1000;
const GROUPS = 100;
const METRIC_KEY = 'score';
const apiKey = `benchlbd.${randomBytes(24).toString('base64url')}`;

interface Row {
  name: string;
  perSecond?: number;
  p50Ms?: number;
  p99Ms?: number;
  requests?: number;
  note?: string;
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`date: ${new Date().toISOString()}; ${users.toLocaleString('en-US')} users, boards at the ${CAP} cap (one in ${GROUPS} groups), ${seconds} s per read, ${connections} connection(s), ${warmup} s warm-up; load average ${loads()}\n`);

const rows: Row[] = [];
const failures: string[] = [];

// ---- The peer: a bare Fastify GET, same client, same settings.
const ceiling = await startCeilingProcess();
try {
  const peer = await measure(ceiling.origin, '/v1/leaderboards/global', {});
  rows.push({ name: 'Fastify GET (peer)', ...peer, note: 'bare route, small JSON' });
  report(rows.at(-1)!);
} finally {
  await ceiling.close();
}

for (const backend of ['sqlite', 'postgres'] as const) {
  if (!backends.includes(backend)) continue;
  const label = backend === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  if (backend === 'postgres' && !(await postgresReachable(postgresUrl))) {
    console.log(`PostgreSQL: skipped, no server reachable at ${new URL(postgresUrl).host}`);
    rows.push({ name: `Laurel, ${label}`, note: 'skipped: PostgreSQL not reachable' });
    continue;
  }
  rows.push(...(await benchBackend(backend, label)));
}

console.log(`\n${formatMarkdown(rows)}\n`);
const missed = rows.filter((r) => r.name.startsWith('Laurel') && r.p99Ms !== undefined && r.p99Ms >= TARGET_P99_MS);
console.log(`target p99 < ${TARGET_P99_MS} ms on every read: ${missed.length === 0 ? 'met' : `NOT met (${missed.map((r) => r.name).join('; ')})`}; load average now ${loads()}`);
if (failures.length > 0) {
  console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}

async function benchBackend(backend: 'sqlite' | 'postgres', label: string): Promise<Row[]> {
  const db = await scratchDatabase(backend, postgresUrl);
  let laurel: ServerProcess | undefined;
  let sqlRunner: SqlRunner | undefined;
  try {
    laurel = await startLaurelProcess({ databaseUrl: db.url, apiKey });
    // Opened once Laurel has migrated the database.
    sqlRunner = backend === 'sqlite' ? sqliteRunner(db.url) : await postgresRunner(db.url);
    console.log(`${label}: pid ${laurel.pid}, ${db.label}`);
    const api = client(laurel.origin);
    const seed = await configure(api);
    const started = performance.now();
    await bulkLoad(sqlRunner, seed);
    console.log(`  bulk-loaded ${users.toLocaleString('en-US')} users with scores on both boards in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const sample = await checkInvariants(api, sqlRunner, seed);

    const reads: [string, string][] = [
      ['GET /v1/leaderboards/global', '/v1/leaderboards/global'],
      [`GET /v1/leaderboards/by-city (one of ${GROUPS} groups)`, `/v1/leaderboards/by-city?userAttributes=${encodeURIComponent(`city:city-${sample.city}`)}`],
      ['GET /v1/users/{id}/leaderboards/global, ranked', `/v1/users/${sample.ranked}/leaderboards/global`],
      ['GET /v1/users/{id}/leaderboards/global, unranked', `/v1/users/${sample.unranked}/leaderboards/global`],
    ];
    const out: Row[] = [];
    for (const [name, path] of reads) {
      const result = await measure(laurel.origin, path, { 'x-api-key': apiKey });
      out.push({ name: `Laurel, ${label}: ${name}`, ...result });
      report(out.at(-1)!);
    }
    return out;
  } finally {
    await laurel?.close();
    await sqlRunner?.close();
    await db.drop();
  }
}

// ---- Configuration through the Admin API, and the shapes one real event writes.

/** The two boards' ids; the user `seed-user` holds the one real event's rows. */
interface Boards {
  globalId: string;
  byCityId: string;
}

type Api = (method: string, path: string, body?: unknown) => Promise<any>;

function client(origin: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text);
  };
}

async function configure(api: Api): Promise<Boards> {
  const [metric] = (await api('POST', '/admin/v1/metrics', [{ name: 'Score', key: METRIC_KEY }])).created;
  const [city] = (await api('POST', '/admin/v1/attributes', [{ name: 'City', key: 'city', type: 'user' }])).created;
  const today = new Date().toISOString().slice(0, 10);
  const board = (key: string, breakdownAttributes: string[]) => ({ name: key, key, status: 'active', start: today, rankBy: 'metric', metricId: metric.id, maxParticipants: CAP, breakdownAttributes });
  const created = (await api('POST', '/admin/v1/leaderboards', [board('global', []), board('by-city', [city.id])])).created as { id: string; key: string }[];
  // The event that shows the rows: a user of its own, kept out of the ranking of the bulk users by a score of 1.
  await api('POST', `/v1/metrics/${METRIC_KEY}/event`, { user: { id: 'seed-user', attributes: { city: 'city-0' } }, value: 1 });
  return { globalId: created.find((b) => b.key === 'global')!.id, byCityId: created.find((b) => b.key === 'by-city')!.id };
}

// ---- The bulk load, in the same SQL on both backends.

interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

function sqliteRunner(url: string): SqlRunner {
  const db = new Database(url.slice('sqlite:'.length));
  db.pragma('busy_timeout = 10000');
  return {
    exec: async (sql) => void db.exec(sql),
    query: async <T>(sql: string, params: unknown[] = []) => {
      const statement = db.prepare(sql.replace(/\$\d+/g, '?'));
      return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as T[];
    },
    close: async () => void db.close(),
  };
}

async function postgresRunner(url: string): Promise<SqlRunner> {
  const pgClient = new pg.Client({ connectionString: url });
  await pgClient.connect();
  return {
    exec: async (sql) => void (await pgClient.query(sql)),
    query: async <T>(sql: string, params: unknown[] = []) => (await pgClient.query(sql, params)).rows as T[],
    close: () => pgClient.end(),
  };
}

/** Bulk user ids, u10000001 up: fixed width, so text order is number order on both backends. */
function userId(i: string): string {
  return `'u' || (10000000 + ${i})`;
}

async function bulkLoad(db: SqlRunner, seed: Boards): Promise<void> {
  const [template] = await db.query<{ environment_id: string }>(`select environment_id from users where id = 'seed-user'`);
  const [score] = await db.query<{ run_start: string }>(`select run_start from leaderboard_scores where leaderboard_id = $1 and user_id = 'seed-user'`, [seed.globalId]);
  const [history] = await db.query<{ date: string }>(`select date from leaderboard_rank_history where leaderboard_id = $1 and user_id = 'seed-user'`, [seed.globalId]);
  if (!template || !score || !history) throw new Error('the seed event wrote no user, score or history: has the write path changed?');
  const env = template.environment_id;
  const run = score.run_start;
  const now = Date.now();

  await db.exec(`create table bench_numbers (i bigint primary key)`);
  // Chunks of 100,000 keep SQLite's recursive CTE and PostgreSQL's generate_series equally simple.
  for (let from = 1; from <= users; from += 100_000) {
    const to = Math.min(users, from + 99_999);
    await db.exec(`insert into bench_numbers (i) with recursive n(i) as (select ${from} union all select i + 1 from n where i < ${to}) select i from n`);
  }
  const city = `'city-' || (i % ${GROUPS})`;
  // A spread of scores with ties (about a tenth share a value), reached at distinct instants.
  const value = `((i * 7919) % 100003) + 2`;
  await db.exec(`begin`);
  await db.exec(`
    insert into users (environment_id, id, email, name, tz, device_tokens, subscribe_to_emails, attributes, control, preferences, created_at, updated_at)
    select environment_id, ${userId('i')}, null, 'User ' || i, tz, device_tokens, subscribe_to_emails, '{"city":"' || ${city} || '"}', control, preferences, ${now}, ${now}
    from bench_numbers, users where users.environment_id = '${env}' and users.id = 'seed-user'`);
  for (const boardId of [seed.globalId, seed.byCityId]) {
    const key = boardId === seed.globalId ? `'[]'` : `'["' || ${city} || '"]'`;
    await db.exec(`
      insert into leaderboard_scores (leaderboard_id, run_start, user_id, total, value, reached_at, group_key, updated_at)
      select '${boardId}', '${run}', ${userId('i')}, ${value}, ${value}, ${now} - i, ${key}, ${now} from bench_numbers`);
  }
  const groups = [[seed.globalId, groupKey([], {})!], ...Array.from({ length: GROUPS }, (_, k) => [seed.byCityId, groupKey(['city'], { city: `city-${k}` })!])];
  for (const [boardId, key] of groups) {
    await db.query(`insert into leaderboard_groups (leaderboard_id, run_start, group_id, group_key) values ($1, $2, $3, $4) on conflict do nothing`, [boardId, run, groupId(key!), key]);
  }
  // The seed user's place goes (their score of 1 stays, below the cap): the members are the CAP
  // best of each group, as the write path keeps them.
  await db.exec(`delete from leaderboard_members where run_start = '${run}'`);
  await db.exec(`delete from leaderboard_rank_history where run_start = '${run}'`);
  await db.exec(`
    insert into leaderboard_members (leaderboard_id, run_start, user_id, group_id, value, reached_at)
    select s.leaderboard_id, s.run_start, s.user_id, g.group_id, s.value, s.reached_at
    from (select leaderboard_id, run_start, user_id, group_key, value, reached_at,
                 row_number() over (partition by leaderboard_id, group_key order by value desc, reached_at, user_id) as place
          from leaderboard_scores where run_start = '${run}' and user_id <> 'seed-user') s
    join leaderboard_groups g on g.leaderboard_id = s.leaderboard_id and g.run_start = s.run_start and g.group_key = s.group_key
    where s.place <= ${CAP}`);
  await db.exec(`
    insert into leaderboard_rank_history (leaderboard_id, run_start, user_id, date, previous_rank, rank, previous_value, value)
    select leaderboard_id, run_start, user_id, '${history.date}', null, place, null, value
    from (select leaderboard_id, run_start, user_id, value,
                 row_number() over (partition by leaderboard_id, group_id order by value desc, reached_at, user_id) as place
          from leaderboard_members where run_start = '${run}') m`);
  await db.exec(`commit`);
  await db.exec(`drop table bench_numbers`);
  // Fresh statistics for both planners, as a database that grew to this size would have.
  await db.exec('analyze');
}

// ---- Invariants of the read path, checked on a sample over HTTP.

async function checkInvariants(api: Api, db: SqlRunner, seed: Boards): Promise<{ ranked: string; unranked: string; city: number }> {
  const expectOrder = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`invariant broken: ${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  const top = async (boardId: string, key: string) =>
    db.query<{ user_id: string; value: number }>(
      `select user_id, value from leaderboard_scores where leaderboard_id = $1 and group_key = $2 and user_id <> 'seed-user' order by value desc, reached_at, user_id limit ${CAP + 1}`,
      [boardId, key],
    );
  const global = await top(seed.globalId, '[]');
  const page = await api('GET', '/v1/leaderboards/global?limit=10');
  const rankings = (page.rankings ?? []) as { userId: string; rank: number; value: number }[];
  expectOrder('global page', rankings.map((r) => [r.rank, r.userId, Number(r.value)]), global.slice(0, 10).map((r, i) => [i + 1, r.user_id, Number(r.value)]));
  const city = 37;
  const cityTop = await top(seed.byCityId, groupKey(['city'], { city: `city-${city}` })!);
  const cityPage = await api('GET', `/v1/leaderboards/by-city?limit=5&userAttributes=${encodeURIComponent(`city:city-${city}`)}`);
  expectOrder('city group page', (cityPage.rankings as { userId: string }[]).map((r) => r.userId), cityTop.slice(0, 5).map((r) => r.user_id));
  const ranked = global[499]!.user_id;
  const unranked = global[CAP]!.user_id;
  const rankedRead = await api('GET', `/v1/users/${ranked}/leaderboards/global`);
  expectOrder('rank of the 500th', [rankedRead.rank, Number(rankedRead.value)], [500, Number(global[499]!.value)]);
  const unrankedRead = await api('GET', `/v1/users/${unranked}/leaderboards/global`);
  expectOrder('rank of the 1,001st', unrankedRead.rank, null);
  const max = await db.query<{ max: number }>(`select max(value) as max from leaderboard_scores where leaderboard_id = $1`, [seed.globalId]);
  expectOrder('rank 1 holds the maximum', Number(rankings[0]!.value), Number(max[0]!.max));
  console.log(`  checked: rank 1 holds the maximum score, pages of global and city-${city} in (value desc, reached_at, user id) order, the 500th ranked 500, the 1,001st unranked`);
  return { ranked, unranked, city };
}

// ---- Load: closed-loop requests, latency per request.

async function measure(origin: string, path: string, headers: Record<string, string>): Promise<Omit<Row, 'name'>> {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const run = async (ms: number, latencies: number[] | null): Promise<number> => {
    const until = performance.now() + ms;
    let n = 0;
    const worker = async () => {
      while (performance.now() < until) {
        const start = performance.now();
        const res = await pool.request({ method: 'GET', path, headers });
        const body = await res.body.text();
        if (res.statusCode !== 200) failures.push(`${path}: ${res.statusCode} ${body.slice(0, 300)}`);
        latencies?.push(performance.now() - start);
        n++;
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    return n;
  };
  try {
    if (warmup > 0) await run(warmup * 1000, null);
    const latencies: number[] = [];
    const n = await run(seconds * 1000, latencies);
    return { perSecond: n / seconds, requests: n, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    await pool.destroy();
  }
}

function report(row: Row): void {
  console.log(`  ${row.name}: p50 ${fmt(row.p50Ms, 2)} ms, p99 ${fmt(row.p99Ms, 2)} ms, ${fmt(row.perSecond)}/s (load average now ${loads()})`);
}

function loads(): string {
  return loadavg().map((l) => l.toFixed(1)).join(' ');
}

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined || Number.isNaN(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function formatMarkdown(rows: readonly Row[]): string {
  const lines = ['| | p50 ms | p99 ms | requests/s | p99 / 10 ms target | note |', '|---|---:|---:|---:|---:|---|'];
  for (const r of rows) {
    const ratio = r.p99Ms !== undefined && r.name.startsWith('Laurel') ? (r.p99Ms / TARGET_P99_MS).toFixed(2) : '';
    lines.push(`| ${r.name} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.perSecond)} | ${ratio} | ${r.note ?? ''} |`);
  }
  return lines.join('\n');
}
