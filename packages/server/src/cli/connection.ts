import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { describeDatabaseUrl } from '../store/describe-database-url.js';
import { createAdminClient, type AdminClient } from './admin-client.js';
import { CliError, USAGE } from './cli-error.js';
import { cliConfigPath, readCliConfig, updateCliConfig } from './cli-config.js';

/** The options of every command that talks to a running server. */
export interface ConnectionOptions {
  server: string;
  apiKey?: string;
  environment?: string;
}

/** Without a key, the CLI's own key is for this environment: local testing is what it is for. */
export const DEFAULT_LOCAL_ENVIRONMENT = 'development';
const LOCAL_KEY_NAME = 'laurel cli';

export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--server <url>', 'the Laurel server').env('LAUREL_SERVER').default(`http://localhost:${process.env.PORT || 8080}`),
    )
    .addOption(new Option('--api-key <key>', 'an admin API key; it decides the environment').env('LAUREL_API_KEY'))
    .addOption(
      new Option(
        '-e, --environment <name>',
        `no key given: use a key of this environment that the CLI makes in the local database (DATABASE_URL); for a server on this machine (default: ${DEFAULT_LOCAL_ENVIRONMENT})`,
      ),
    );
}

export interface Connection {
  client: AdminClient;
  /** The environment's name when the CLI used its own key; undefined with --api-key. */
  environment: string | undefined;
}

/**
 * An admin client for the command's options. With --api-key (or LAUREL_API_KEY) that key is used
 * as it is. Without one, and only for a server on this machine, the CLI uses a key of its own in
 * the local database (the DATABASE_URL the server reads too): made once per environment, kept in
 * the CLI's config file, and made again if it stops working there.
 */
export async function connect(options: ConnectionOptions, log: (line: string) => void): Promise<Connection> {
  const server = parseServer(options.server);
  // An empty LAUREL_API_KEY counts as none.
  const apiKey = options.apiKey?.trim() || undefined;
  if (apiKey !== undefined) {
    if (options.environment !== undefined) {
      throw new CliError('give either an API key (--api-key or LAUREL_API_KEY), whose environment is fixed, or --environment, not both', USAGE);
    }
    return { client: createAdminClient(server.origin + server.pathname, apiKey), environment: undefined };
  }
  const environment = options.environment ?? DEFAULT_LOCAL_ENVIRONMENT;
  if (!isLoopback(server.hostname)) {
    throw new CliError(`${server.origin} is not on this machine: give an admin API key with --api-key or LAUREL_API_KEY`, USAGE);
  }
  const { loadConfig } = await import('../config/config.js');
  const databaseUrl = loadConfig().databaseUrl;
  const key = await localKey(databaseUrl, environment, log);
  const hint = `the key the CLI made in ${describeDatabaseUrl(databaseUrl)} (DATABASE_URL) is not known there: is the server using another database? Give a key with --api-key or LAUREL_API_KEY`;
  return { client: createAdminClient(server.origin + server.pathname, key, hint), environment };
}

async function localKey(databaseUrl: string, environmentName: string, log: (line: string) => void): Promise<string> {
  const described = describeDatabaseUrl(databaseUrl);
  const noKey = `give an admin API key with --api-key or LAUREL_API_KEY (laurel keys create --environment ${environmentName})`;
  const sqlitePath = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : databaseUrl.includes('://') ? undefined : databaseUrl;
  // Opening SQLite creates the file; a missing one means this is not where the server keeps its data.
  if (sqlitePath !== undefined && (sqlitePath === '' || sqlitePath === ':memory:' || !existsSync(sqlitePath))) {
    throw new CliError(`no API key given, and no local Laurel database at ${described} (DATABASE_URL) to make one in: ${noKey}`);
  }
  // Loaded only here: most commands are given a key and never touch a database.
  const { openBackend } = await import('../store/open-backend.js');
  const { findEnvironmentByName } = await import('../environments/environments.js');
  const { authenticateApiKey, createApiKey } = await import('../environments/api-keys.js');
  const backend = openBackend(databaseUrl, { poolSize: 1 });
  try {
    const environment = await findEnvironmentByName(backend.db, environmentName).catch((error: unknown) => {
      throw new CliError(`no API key given, and the local database ${described} (DATABASE_URL) cannot be read (${(error as Error).message}): ${noKey}`);
    });
    if (!environment) throw new CliError(`no environment named "${environmentName}" in ${described} (see: laurel environments list)`, USAGE);
    const config = await readCliConfig();
    const stored = config.keys?.[environment.id];
    if (stored && (await authenticateApiKey(backend.db, stored))) return stored;
    const created = await createApiKey(backend.db, environment.id, LOCAL_KEY_NAME, Date.now());
    await updateCliConfig({ keys: { [environment.id]: created.key } });
    log(`Made an API key "${LOCAL_KEY_NAME}" for environment "${environment.name}" in ${described}; kept in ${cliConfigPath()}.`);
    return created.key;
  } finally {
    await backend.close();
  }
}

function parseServer(value: string): URL {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new CliError(`--server must be an http or https URL, like http://localhost:8080 (got "${value}")`, USAGE);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
