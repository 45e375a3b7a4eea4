import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * What the CLI remembers between runs, in `$XDG_CONFIG_HOME/laurel/cli.json` (by default
 * `~/.config/laurel/cli.json`), readable by its owner only:
 * - `listenSecret`: the signing secret `laurel listen` signs forwarded events with, so a local
 *   receiver configured once keeps verifying across runs;
 * - `keys`: admin API keys the CLI minted itself in a local database, by environment id.
 */
export interface CliConfig {
  listenSecret?: string;
  keys?: Record<string, string>;
}

export function cliConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'laurel', 'cli.json');
}

export async function readCliConfig(path = cliConfigPath()): Promise<CliConfig> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as CliConfig) : {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Merges `changes` into the stored config. */
export async function updateCliConfig(changes: CliConfig, path = cliConfigPath()): Promise<void> {
  const current = await readCliConfig(path);
  const next: CliConfig = { ...current, ...changes, keys: { ...current.keys, ...changes.keys } };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}
