import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createAddressPolicy } from '../delivery/ssrf-guard.js';
import { resolveDatabaseUrl, resolveFromProjectRoot } from './database-url.js';
import { parseDuration } from './duration.js';
import { parseRateLimit, type RateLimits } from './rate-limits.js';
import { parseCorsOrigins, type CorsOrigins } from './cors-origins.js';

export type { CorsOrigins } from './cors-origins.js';

/**
 * Every setting Laurel reads from the environment, with its default and why.
 * Parsed once at start; a bad value stops the process with a message naming the variable.
 */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 500ms, 30s, 5m, 2h or 7d` });
        return z.NEVER;
      }
      return ms;
    });

/** A tier's limit, `off` by default: Trophy's tiers (5/s and 50/s) are far too low for a server of one's own. */
const rateLimit = () =>
  z
    .string()
    .default('off')
    .transform((value, ctx) => {
      const parsed = parseRateLimit(value);
      if ('error' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed.limit;
    });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  /** HTTP port; 8080 so it does not collide with the usual 3000 of the app being developed. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to bind. 0.0.0.0 in containers; the default serves the local machine only. */
  HOST: z.string().default('127.0.0.1'),
  /** `sqlite:PATH` (default ./data/laurel.db; a relative path is taken from the project root, see database-url.ts) or `postgres://...`. */
  DATABASE_URL: z.string().default('sqlite:./data/laurel.db'),
  /** PostgreSQL connections for API requests per process (the worker has a small pool of its own). */
  LAUREL_DATABASE_POOL: positiveInt(20),
  /** production refuses webhook URLs that resolve to private, loopback or metadata addresses (SSRF). */
  LAUREL_MODE: z.enum(['development', 'production']).optional(),
  NODE_ENV: z.string().optional(),
  /** An admin key `{prefix}.{secret}` registered at start for the production environment, if absent. */
  LAUREL_BOOTSTRAP_API_KEY: z.string().optional(),
  /** Required to create the owner account on first run in production mode, so whoever reaches a fresh server first cannot claim it. */
  LAUREL_SETUP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Delays between attempts; Trophy's documented policy is 3 retries at 1, 2 and 4 minutes. */
  LAUREL_RETRY_SCHEDULE: z
    .string()
    .default('1m,2m,4m')
    .transform((value, ctx) => {
      const parts = value.split(',').map((part) => part.trim()).filter(Boolean);
      const delays = parts.map(parseDuration);
      if (delays.some((d) => d === undefined)) {
        ctx.addIssue({ code: 'custom', message: `"${value}" must be a comma-separated list of durations, e.g. 5s,5m,30m` });
        return z.NEVER;
      }
      return delays as number[];
    }),
  /** Upper bound for one attempt; a webhook may set a lower one. Trophy uses 60 s. */
  LAUREL_DELIVERY_TIMEOUT: duration('60s'),
  /** In-flight attempts per worker process, across all webhooks. */
  LAUREL_DELIVERY_CONCURRENCY: positiveInt(256),
  /** In-flight attempts per webhook per worker process, so one slow receiver cannot starve the rest. */
  LAUREL_WEBHOOK_CONCURRENCY: positiveInt(32),
  /**
   * Scheduled jobs (streak rollovers, event batches, chunks of walks over all users) run at once
   * per worker process, each in its own transaction from the LAUREL_DATABASE_POOL connections;
   * 4 leaves most of the pool to the API. SQLite runs one transaction at a time, so one job.
   */
  LAUREL_SCHEDULER_CONCURRENCY: positiveInt(4),
  /** A claimed delivery whose worker died is retried after this; must exceed the timeout plus a margin. */
  LAUREL_LEASE: duration('90s'),
  /** How long delivered events and their attempts stay in the log. */
  LAUREL_RETENTION: duration('7d'),
  /** A webhook that has failed without a single success for this long is disabled. */
  LAUREL_AUTO_DISABLE_AFTER: duration('5d'),
  /** Comma-separated CIDRs webhooks may reach even in production mode (e.g. an internal receiver). */
  LAUREL_WEBHOOK_ALLOWLIST: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean)),
  /**
   * Requests per window per environment for each tier (config/rate-limits.ts), counted for
   * API-key requests: `off`, or e.g. `1000/1s`. Several processes on PostgreSQL count together.
   */
  LAUREL_RATE_LIMIT_EVENTS: rateLimit(),
  LAUREL_RATE_LIMIT_APPLICATION: rateLimit(),
  LAUREL_RATE_LIMIT_ADMIN: rateLimit(),
  /** Web origins that may call the Application API from a browser (config/cors-origins.ts): `*`, `off` or a list. */
  LAUREL_CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((value, ctx) => {
      const origins = parseCorsOrigins(value);
      if (typeof origins === 'object' && 'problem' in origins) {
        ctx.addIssue({ code: 'custom', message: origins.problem });
        return z.NEVER;
      }
      return origins;
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: human-readable lines in development mode on a terminal, JSON otherwise (a log collector reads JSON). */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /**
   * The built dashboard (index.html and assets/) that the API role serves at /. The default is the
   * dashboard package's build output next to this package, where `npm run build` puts it; a
   * relative path is taken from the Laurel checkout's root, like a relative SQLite path
   * (resolveFromProjectRoot), so the same setting works from any folder; empty means the default.
   */
  LAUREL_DASHBOARD_DIR: z.string().optional(),
});

// src/config/config.ts and dist/config/config.js are both two folders below packages/server.
const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

export type Mode = 'development' | 'production';
export type LogFormat = 'pretty' | 'json';

export interface Config {
  port: number;
  host: string;
  /** DATABASE_URL, with a SQLite path made absolute (resolveDatabaseUrl). */
  databaseUrl: string;
  databasePoolSize: number;
  mode: Mode;
  bootstrapApiKey: string | undefined;
  setupToken: string | undefined;
  logLevel: string;
  /** LOG_FORMAT; undefined chooses by mode and terminal (observability/logger.ts). */
  logFormat: LogFormat | undefined;
  /** Absolute path of the built dashboard; it may not exist (then / explains how to build it). */
  dashboardDir: string;
  /** Scheduled jobs run at once by a worker process (PostgreSQL; SQLite runs one). */
  schedulerConcurrency: number;
  /** Each API tier's limit per environment; a tier without one is not limited. */
  rateLimits: RateLimits;
  /** LAUREL_CORS_ORIGINS: who may call /v1 from a browser on another origin. */
  corsOrigins: CorsOrigins;
  delivery: {
    retryScheduleMs: number[];
    timeoutMs: number;
    concurrency: number;
    perWebhookConcurrency: number;
    leaseMs: number;
    retentionMs: number;
    autoDisableAfterMs: number;
    allowlist: string[];
  };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const mode: Mode = e.LAUREL_MODE ?? (e.NODE_ENV === 'production' ? 'production' : 'development');
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: resolveDatabaseUrl(e.DATABASE_URL),
    databasePoolSize: e.LAUREL_DATABASE_POOL,
    mode,
    bootstrapApiKey: e.LAUREL_BOOTSTRAP_API_KEY,
    setupToken: e.LAUREL_SETUP_TOKEN,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    dashboardDir: e.LAUREL_DASHBOARD_DIR ? resolveFromProjectRoot(e.LAUREL_DASHBOARD_DIR) : DEFAULT_DASHBOARD_DIR,
    schedulerConcurrency: e.LAUREL_SCHEDULER_CONCURRENCY,
    rateLimits: { events: e.LAUREL_RATE_LIMIT_EVENTS, application: e.LAUREL_RATE_LIMIT_APPLICATION, admin: e.LAUREL_RATE_LIMIT_ADMIN },
    corsOrigins: e.LAUREL_CORS_ORIGINS,
    delivery: {
      retryScheduleMs: e.LAUREL_RETRY_SCHEDULE,
      timeoutMs: e.LAUREL_DELIVERY_TIMEOUT,
      concurrency: e.LAUREL_DELIVERY_CONCURRENCY,
      perWebhookConcurrency: e.LAUREL_WEBHOOK_CONCURRENCY,
      leaseMs: e.LAUREL_LEASE,
      retentionMs: e.LAUREL_RETENTION,
      autoDisableAfterMs: e.LAUREL_AUTO_DISABLE_AFTER,
      allowlist: e.LAUREL_WEBHOOK_ALLOWLIST,
    },
  };
  checkInvariants(config);
  return config;
}

/** Start-up checks for settings that are valid alone but dangerous together. */
function checkInvariants(config: Config): void {
  const { leaseMs, timeoutMs, perWebhookConcurrency, concurrency } = config.delivery;
  // A lease shorter than an attempt lets a second worker send the same delivery while the first still waits.
  if (leaseMs < timeoutMs + 10_000) {
    throw new ConfigError(
      `LAUREL_LEASE (${leaseMs} ms) must exceed LAUREL_DELIVERY_TIMEOUT (${timeoutMs} ms) by at least 10 s`,
    );
  }
  if (perWebhookConcurrency > concurrency) {
    throw new ConfigError('LAUREL_WEBHOOK_CONCURRENCY cannot exceed LAUREL_DELIVERY_CONCURRENCY');
  }
  // Each running job holds a pooled connection for its transaction; API requests need some left.
  if (config.schedulerConcurrency >= config.databasePoolSize) {
    throw new ConfigError(`LAUREL_SCHEDULER_CONCURRENCY (${config.schedulerConcurrency}) must be below LAUREL_DATABASE_POOL (${config.databasePoolSize})`);
  }
  // Checked here, in every mode and role, so a typo fails at start rather than at first delivery.
  try {
    createAddressPolicy({ allowPrivate: false, allowlist: config.delivery.allowlist });
  } catch (error) {
    throw new ConfigError(`LAUREL_WEBHOOK_ALLOWLIST: ${(error as Error).message}`);
  }
}
