import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CliError, USAGE } from './cli/cli-error.js';
import { listenCommand } from './cli/listen.js';
import { triggerCommand } from './cli/trigger.js';
import { webhooksCommand } from './cli/webhooks.js';
import { ConfigError, loadConfig } from './config/config.js';
import { ENVIRONMENT_NAME } from './environments/environments.js';
import type { Role } from './laurel.js';
import type { Backend } from './store/backends/backend.js';
import { VERSION } from './version.js';

// The server and the database drivers load only for the commands that use them: they took most
// of a second to import, which every `laurel webhooks ...` in a script paid for nothing.
const database = async () => ({
  ...(await import('./store/open-backend.js')),
  ...(await import('./store/migrate.js')),
  ...(await import('./environments/environments.js')),
  ...(await import('./environments/api-keys.js')),
});

const program = new Command('laurel')
  .description('Laurel: self-hosted gamification with signed webhooks, speaking Trophy\'s API')
  .version(VERSION)
  .showHelpAfterError()
  // Commander has printed its message already; usage mistakes exit 2, help and --version 0.
  .exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? 0 : USAGE))
  .addHelpText(
    'after',
    `
Commands that talk to a running server (listen, trigger, webhooks) take --server URL
(LAUREL_SERVER) and --api-key KEY (LAUREL_API_KEY); without a key they make their own
in the local database for a server on this machine. Errors go to stderr. Exit codes:
0 done, 1 failed, 2 wrong usage. laurel help <command> shows each command's options.`,
  );

program
  .command('start')
  .description('serve the API and deliver webhooks (both by default)')
  .addOption(new Option('--role <role>', 'run only the API, or only the delivery worker and scheduler').choices(['api', 'worker']))
  .action(async (options: { role?: Role }) => {
    const { createLaurel } = await import('./laurel.js');
    const laurel = await createLaurel({ config: loadConfig(), roles: options.role ? [options.role] : ['api', 'worker'], claimDatabase: true });
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      laurel.logger.info({ signal }, 'shutting down: finishing attempts in flight');
      await laurel.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    const { url } = await laurel.start();
    // A worker-only process serves no dashboard.
    if (options.role !== 'worker') {
      const { startBanner, readStartFacts } = await import('./start-banner.js');
      for (const line of startBanner(await readStartFacts(laurel, url))) laurel.logger.info(line);
    }
  });

program
  .command('migrate')
  .description('create or upgrade the database schema (start does this too)')
  .action(async () => {
    const { openBackend, migrateToLatest, ensureDefaultEnvironments } = await database();
    const { DatabaseInUseError } = await import('./store/database-errors.js');
    // Claimed like start does: a server running on the SQLite file runs the schema it migrated at
    // its own start, and a migration under it would change tables its statements are prepared for.
    let backend: Backend;
    try {
      backend = openBackend(loadConfig().databaseUrl, { claim: 'laurel migrate' });
    } catch (error) {
      if (!(error instanceof DatabaseInUseError)) throw error;
      const who = error.holder ? `process ${error.holder.pid} on ${error.holder.host} (${error.holder.description}, since ${error.holder.startedAt})` : 'another process';
      throw new CliError(
        `not migrating ${error.path}: a running Laurel server holds it, ${who}. ` +
          'laurel start migrates the database when it starts: stop that server, then run laurel migrate (or start the new version instead).',
      );
    }
    try {
      const applied = await migrateToLatest(backend.db);
      await ensureDefaultEnvironments(backend.db, Date.now());
      console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    } finally {
      await backend.close();
    }
  });

const keys = program.command('keys').description('admin API keys');
keys
  .command('create')
  .description('create an admin API key; it is printed once')
  .option('-e, --environment <name>', 'environment the key belongs to (default: the oldest of kind development, or of kind production in production mode)')
  .option('-n, --name <name>', 'a label to recognise the key by', 'cli')
  .action((options: { environment?: string; name: string }) =>
    withDatabase(async (backend) => {
      const { findEnvironmentByName, oldestEnvironmentOfKind, createApiKey } = await database();
      // A key made while developing is for development data; production keys are asked for by name or made in production mode.
      const defaultKind = loadConfig().mode;
      const environment = options.environment
        ? await findEnvironmentByName(backend.db, options.environment)
        : await oldestEnvironmentOfKind(backend.db, defaultKind);
      if (!environment) {
        fail(options.environment ? `No environment named "${options.environment}" (see: laurel environments list)` : `No environment of kind ${defaultKind} (the default in ${defaultKind} mode): give --environment NAME`);
      }
      const created = await createApiKey(backend.db, environment.id, options.name, Date.now());
      const chosen = options.environment ? '' : `, the default in ${defaultKind} mode; --environment NAME for another`;
      console.log(created.key);
      console.error(`Admin API key for environment "${environment.name}" (kind ${environment.kind}${chosen}), prefix ${created.prefix}. It is shown only now; send it as X-API-KEY.`);
    }),
  );

const environments = program.command('environments').description('environments keep test and production data apart');
environments
  .command('list')
  .description('list environments')
  .action(() =>
    withDatabase(async (backend) => {
      const { listEnvironments } = await database();
      for (const environment of await listEnvironments(backend.db)) console.log(`${environment.name}\t${environment.id}`);
    }),
  );
environments
  .command('create <name>')
  .description('create an environment (lowercase letters, digits and dashes)')
  .action((name: string) =>
    withDatabase(async (backend) => {
      if (!ENVIRONMENT_NAME.test(name)) throw new InvalidArgumentError('use lowercase letters, digits and dashes, starting with a letter or digit');
      const { createEnvironment } = await database();
      const created = await createEnvironment(backend.db, name, Date.now());
      if (!created) fail(`An environment named "${name}" already exists`);
      console.log(`${created.name}\t${created.id}`);
    }),
  );

listenCommand(program);
triggerCommand(program);
webhooksCommand(program);

/**
 * Opens the server's database for a short command, beside a running server if there is one. It
 * must exist: only start and migrate create it, so a command run in the wrong place (or with
 * another DATABASE_URL) says where it looked instead of making an empty database there.
 */
async function withDatabase(work: (backend: Backend) => Promise<void>): Promise<void> {
  const { openBackend, migrateToLatest, ensureDefaultEnvironments } = await database();
  const backend = openBackend(loadConfig().databaseUrl, { mustExist: true });
  try {
    await migrateToLatest(backend.db);
    await ensureDefaultEnvironments(backend.db, Date.now());
    await work(backend);
  } finally {
    await backend.close();
  }
}

function fail(message: string): never {
  console.error(`laurel: ${message}`);
  process.exit(1);
}

program.parseAsync().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof InvalidArgumentError ? error.message : error instanceof Error ? error.message : String(error);
  console.error(`laurel: ${message}`);
  process.exit(error instanceof CliError ? error.exitCode : 1);
});
