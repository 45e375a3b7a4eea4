import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config/config.js';
import { createHttpSender } from './delivery/http-sender.js';
import { createThreadedTransport } from './delivery/threaded-transport.js';
import { directTransport, type Transport } from './delivery/transport.js';
import { createOutbox, type Outbox } from './delivery/outbox.js';
import { sweepExpiredLog } from './delivery/retention.js';
import { createAddressPolicy, type Resolver } from './delivery/ssrf-guard.js';
import { DeliveryWorker } from './delivery/worker.js';
import { createApiKey, parseApiKey, findKeyByPrefix, KEY_FORMAT_DESCRIPTION, KEY_MARKS } from './environments/api-keys.js';
import { ConfigCache } from './environments/config-cache.js';
import { GroupCommit } from './store/group-commit.js';
import { ensureDefaultEnvironments, oldestEnvironmentOfKind } from './environments/environments.js';
import { buildApp } from './http/app.js';
import { ANNIVERSARY_JOB, ANNIVERSARY_WALK, anniversaryHandler, anniversaryWalk } from './achievements/anniversary.js';
import { BACKDATE_WALK, backdateWalk } from './achievements/backdate.js';
import { LEADERBOARD_LIFECYCLE, leaderboardLifecycleHandler } from './leaderboards/leaderboard-lifecycle.js';
import { EVENT_BATCH_JOB, eventBatchHandler } from './metrics/event-batches.js';
import { BOOST_LIFECYCLE, boostLifecycleHandler } from './points/boost-lifecycle.js';
import { TIME_TICK_JOB, TIME_TRIGGER_WALK, timeTickHandler, timeTriggerWalk } from './points/time-triggers.js';
import { defineJob, JobRegistry } from './schedule/job-registry.js';
import type { ClaimedJob } from './schedule/jobs.js';
import { Scheduler } from './schedule/scheduler.js';
import { walkHandler } from './schedule/user-walk.js';
import { STREAK_RESCHEDULE, streakRescheduleWalk } from './streaks/streak-admin.js';
import { streakJobHandler } from './streaks/streak-job.js';
import { THROTTLED_WEBHOOK, throttledWebhookHandler } from './pipeline/throttled-webhooks.js';
import { STREAK_JOB } from './streaks/user-streak.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import type { Backend } from './store/backends/backend.js';
import { migrateToLatest } from './store/migrate.js';
import { describeDatabaseUrl, openBackend } from './store/open-backend.js';
import { VERSION } from './version.js';

export type Role = 'api' | 'worker';

export interface LaurelOptions {
  config: Config;
  /** Which parts run here; both by default. `worker` also runs the scheduler (retention sweeps). */
  roles?: readonly Role[];
  clock?: Clock;
  logger?: Logger;
  /** Lets tests resolve names without editing /etc/hosts; production uses the OS resolver. */
  resolve?: Resolver;
  random?: () => number;
  /** How often the worker polls when nothing wakes it. */
  pollIntervalMs?: number;
  /**
   * Claims the database for this process, as `laurel start` does: a second server on the same
   * SQLite file then refuses to start. Off for tests that run several Laurels on one file in one process.
   */
  claimDatabase?: boolean;
}

export interface Laurel {
  config: Config;
  backend: Backend;
  clock: Clock;
  outbox: Outbox;
  /** The HTTP server: the whole API, or only /healthz and /metrics in a worker-only process. */
  app: FastifyInstance;
  worker: DeliveryWorker | undefined;
  /** Runs durable time-based jobs (streak rollovers, freeze grants, batches); with the worker role. */
  scheduler: Scheduler | undefined;
  logger: Logger;
  /** Starts listening (API role) and working (worker role). */
  start(): Promise<{ url: string }>;
  close(): Promise<void>;
}

const RETENTION_SWEEP_INTERVAL_MS = 10 * 60 * 1000;
const SCHEDULER_POLL_MS = 1000;

/** The composition root: builds every dependency from config, once, and wires the roles together. */
export async function createLaurel(options: LaurelOptions): Promise<Laurel> {
  const { config } = options;
  const roles = new Set(options.roles ?? ['api', 'worker']);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);

  const backend = openBackend(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    claim: options.claimDatabase ? `laurel start on ${config.host}:${config.port}` : undefined,
  });
  try {
    await migrateToLatest(backend.db);
    await ensureDefaultEnvironments(backend.db, clock.now());
    if (config.bootstrapApiKey) await registerBootstrapKey(backend, config.bootstrapApiKey, clock.now(), logger);
  } catch (error) {
    await backend.close();
    throw error;
  }

  let transport: Transport | undefined;
  let worker: DeliveryWorker | undefined;
  if (roles.has('worker')) {
    const policy = config.mode === 'production' ? { allowPrivate: false, allowlist: config.delivery.allowlist } : null;
    // Lanes cap connections per webhook; two webhooks on one host must not share (and wait on)
    // a smaller pool, so the per-origin bound is only the global one.
    const connectionsPerOrigin = config.delivery.concurrency;
    transport = options.resolve
      ? // A stand-in resolver is a function, which cannot cross to another thread.
        directTransport(createHttpSender({ policy: policy && createAddressPolicy(policy), connectionsPerOrigin, resolve: options.resolve }))
      : createThreadedTransport({ policy, connectionsPerOrigin });
    worker = new DeliveryWorker(
      backend,
      transport,
      clock,
      {
        ...config.delivery,
        userAgent: `Laurel-Webhooks/${VERSION}`,
        ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
      },
      options.random,
    );
    worker.on('error', (error) => logger.error({ err: error }, 'delivery worker error'));
    worker.on('webhook:disabled', ({ id, reason }) => logger.warn({ webhookId: id, reason }, 'webhook disabled'));
  }
  const outbox = createOutbox(backend, (wakeUp) => worker?.wake(wakeUp.webhookIds, wakeUp.since));
  const configCache = new ConfigCache();
  const groupCommit = backend.kind === 'sqlite' ? new GroupCommit(backend.db) : undefined;
  let scheduler: Scheduler | undefined;
  if (roles.has('worker')) {
    const lockForUpdate = backend.supportsSkipLocked;
    // Every kind of durable job, once each: adding one is a declaration here.
    const jobs = new JobRegistry([
      defineJob(EVENT_BATCH_JOB, eventBatchHandler({ backend, outbox, configCache }, logger)),
      defineJob(STREAK_JOB, streakJobHandler({ outbox, configCache, lockForUpdate })),
      defineJob(THROTTLED_WEBHOOK, throttledWebhookHandler({ outbox })),
      defineJob(STREAK_RESCHEDULE, walkHandler(streakRescheduleWalk({ lockForUpdate }))),
      defineJob(BACKDATE_WALK, walkHandler(backdateWalk({ lockForUpdate }))),
      defineJob(ANNIVERSARY_WALK, walkHandler(anniversaryWalk())),
      defineJob(ANNIVERSARY_JOB, anniversaryHandler({ outbox, configCache, lockForUpdate })),
      defineJob(LEADERBOARD_LIFECYCLE, leaderboardLifecycleHandler({ outbox })),
      defineJob(BOOST_LIFECYCLE, boostLifecycleHandler({ outbox })),
      defineJob(TIME_TICK_JOB, timeTickHandler({ outbox, configCache, lockForUpdate })),
      defineJob(TIME_TRIGGER_WALK, walkHandler(timeTriggerWalk({ configCache }))),
    ]);
    scheduler = new Scheduler(backend, clock, jobs, {
      pollIntervalMs: options.pollIntervalMs ?? SCHEDULER_POLL_MS,
      leaseMs: config.delivery.leaseMs,
      concurrency: config.schedulerConcurrency,
    });
    logSchedulerEvents(scheduler, logger);
  }
  const metrics = createMetrics(backend, clock);
  if (worker) metrics.observe(worker);
  // A worker-only process still serves /healthz and /metrics, so it can be probed and scraped.
  const app = await buildApp({ backend, clock, config, configCache, groupCommit, outbox, metrics, version: VERSION, wakeScheduler: scheduler && (() => scheduler.wake()) }, logger, {
    api: roles.has('api'),
  });

  let sweepTimer: NodeJS.Timeout | undefined;
  const sweep = async () => {
    try {
      const removed = await sweepExpiredLog(backend.db, clock.now() - config.delivery.retentionMs);
      if (removed.deliveries + removed.events > 0) logger.info(removed, 'delivery log retention sweep');
    } catch (error) {
      logger.error({ err: error }, 'retention sweep failed');
    }
  };

  return {
    config,
    backend,
    clock,
    outbox,
    app,
    worker,
    scheduler,
    logger,
    async start() {
      const url = await app.listen({ port: config.port, host: config.host });
      if (worker) {
        await worker.start();
        scheduler?.start();
        void sweep();
        sweepTimer = setInterval(() => void sweep(), RETENTION_SWEEP_INTERVAL_MS);
        sweepTimer.unref();
      }
      logger.info(
        {
          url,
          roles: [...roles],
          mode: config.mode,
          database: describeDatabaseUrl(config.databaseUrl),
          webhookAddressPolicy: config.mode === 'production' ? 'public addresses only (SSRF guard on)' : 'any address, localhost included (development)',
        },
        `Laurel ${VERSION} started in ${config.mode} mode`,
      );
      return { url };
    },
    async close() {
      clearInterval(sweepTimer);
      await app.close();
      await scheduler?.stop();
      await worker?.stop();
      await transport?.close();
      await backend.close();
    },
  };
}

/** What operators need to hear from the scheduler: failures with their job, never payloads (they carry user data). */
function logSchedulerEvents(scheduler: Scheduler, logger: Logger): void {
  const about = (job: ClaimedJob) => ({ id: job.id, kind: job.kind, environmentId: job.environmentId, subject: job.subject, attempts: job.attempts });
  scheduler.on('job:retrying', ({ job, error }) => logger.error({ err: error, job: about(job) }, 'scheduled job failed; it will be retried'));
  scheduler.on('job:discarded', ({ job, reason }) => logger.error({ job: about(job), reason }, 'scheduled job given up (moved to failed_jobs)'));
  scheduler.on('job:superseded', ({ job }) => logger.debug({ job: about(job) }, 'scheduled job rescheduled while it ran; that run rolled back'));
  scheduler.on('scheduler:error', (error) => logger.error({ err: error }, 'scheduler error'));
}

/**
 * LAUREL_BOOTSTRAP_API_KEY: registered if its prefix is unknown, so unattended set-ups have a key.
 * It goes to the oldest production-kind environment, which stays the same one when it is renamed.
 * Both forms are accepted: `prod_{8}.{secret}` and the older unmarked `{8}.{secret}`.
 */
async function registerBootstrapKey(backend: Backend, key: string, now: number, logger: Logger): Promise<void> {
  const parsed = parseApiKey(key);
  if (!parsed) throw new Error(`LAUREL_BOOTSTRAP_API_KEY must look like ${KEY_FORMAT_DESCRIPTION}`);
  if (parsed.kind !== undefined && parsed.kind !== 'production') throw new Error(`LAUREL_BOOTSTRAP_API_KEY is for the production environment: mark it prod_ (or give no mark), not ${KEY_MARKS[parsed.kind]}_`);
  if (await findKeyByPrefix(backend.db, parsed.prefix)) return;
  const production = await oldestEnvironmentOfKind(backend.db, 'production');
  if (!production) throw new Error('LAUREL_BOOTSTRAP_API_KEY needs an environment of kind production, and there is none');
  await createApiKey(backend.db, production.id, 'bootstrap', now, key);
  logger.info({ prefix: parsed.prefix, environment: production.name }, 'registered LAUREL_BOOTSTRAP_API_KEY for the production environment');
}
