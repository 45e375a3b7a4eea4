// The servers of the metric-event benchmark, each in its own process so the load generator
// (autocannon, in the benchmark's process) does not share an event loop with them: Laurel as
// `laurel start` runs it (API and worker roles in one process), on a scratch database, and the
// bare Fastify ceiling (events-ceiling.ts).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { FromCeiling } from './events-ceiling.js';
import { freePort } from '../test/support/server-process.js';

const STARTUP_TIMEOUT_MS = 60_000;
const tsx = import.meta.resolve('tsx');

export interface ServerProcess {
  origin: string;
  pid: number;
  close(): Promise<void>;
}

export interface ScratchDatabase {
  url: string;
  /** What the report calls it (no credentials). */
  label: string;
  drop(): Promise<void>;
}

/** A fresh SQLite file in a temporary directory, or a fresh database on the PostgreSQL server at `serverUrl`. */
export async function scratchDatabase(backend: 'sqlite' | 'postgres', serverUrl?: string): Promise<ScratchDatabase> {
  if (backend === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'laurel-bench-events-'));
    return { url: `sqlite:${dir}/laurel.db`, label: `SQLite file in ${dir}`, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const name = `laurel_bench_events_${randomBytes(4).toString('hex')}`;
  await withPg(serverUrl!, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    label: `PostgreSQL database ${name} at ${url.host}`,
    drop: () => withPg(serverUrl!, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

export async function postgresReachable(url: string): Promise<boolean> {
  try {
    await withPg(url, (client) => client.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export interface LaurelProcessOptions {
  databaseUrl: string;
  apiKey: string;
  /** Extra flags for the child's node (after `--import tsx`), e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  execArgv?: string[];
  /** Extra environment for the child. */
  env?: Record<string, string>;
}

/**
 * `laurel start` from the TypeScript sources (through tsx, as the other benchmarks import them; the
 * compiled dist/ may be stale or absent in a working tree). Production mode, so webhook URLs go
 * through the SSRF guard as in a deployment; the loopback receiver is allowlisted.
 */
export async function startLaurelProcess(opts: LaurelProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', tsx, ...(opts.execArgv ?? []), cli, 'start'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LAUREL_MODE: 'production',
      LAUREL_WEBHOOK_ALLOWLIST: '127.0.0.1/32',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: opts.databaseUrl,
      LOG_LEVEL: 'silent',
      LAUREL_BOOTSTRAP_API_KEY: opts.apiKey,
      ...opts.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  const exited = exitOf(child);
  try {
    await Promise.race([
      waitForHealth(origin),
      exited.then((code) => {
        throw new Error(`laurel start exited during startup (code ${code})`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    origin,
    pid: child.pid!,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM'); // laurel finishes attempts in flight and closes the database
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The bare Fastify route, in its own process. */
export async function startCeilingProcess(): Promise<ServerProcess> {
  const script = fileURLToPath(new URL('./events-ceiling.ts', import.meta.url));
  const child = fork(script, [], {
    execArgv: ['--import', tsx],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = exitOf(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ceiling server did not start in time')), STARTUP_TIMEOUT_MS);
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`ceiling server exited during startup (code ${code})`)));
    child.on('message', (msg: FromCeiling) => {
      if (msg.type === 'listening') {
        clearTimeout(timer);
        resolve(msg.port);
      }
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'close' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitForHealth(origin: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Laurel at ${origin} not healthy within ${STARTUP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}


/**
 * CPU time (user + system, all threads) a process has used so far, in ms, from /proc; undefined
 * where there is no /proc. Unlike throughput, CPU per request does not move much when other work
 * shares the machine.
 */
export async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces), from field 3 (state) on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return Number.isFinite(ticks) ? ticks * (1000 / CLOCK_TICKS_PER_SECOND) : undefined;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;
