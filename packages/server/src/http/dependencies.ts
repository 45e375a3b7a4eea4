import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { ConfigCache } from '../environments/config-cache.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { Outbox } from '../delivery/outbox.js';
import type { Backend } from '../store/backends/backend.js';
import type { Metrics } from '../observability/metrics.js';

/** What routes need, built once by the composition root (src/laurel.ts) and passed in explicitly. */
export interface HttpDependencies {
  backend: Backend;
  clock: Clock;
  config: Config;
  /** Each environment's engine configuration, cached per process (see config-cache.ts). */
  configCache: ConfigCache;
  /** SQLite only: metric events share commits (see store/group-commit.ts). */
  groupCommit?: GroupCommit | undefined;
  outbox: Outbox;
  metrics: Metrics;
  version: string;
  /** Runs due jobs now (after queuing work due immediately); undefined where no scheduler runs in this process. */
  wakeScheduler?: (() => void) | undefined;
}
