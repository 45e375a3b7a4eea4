/** The `laurel` CLI as a user runs it, from source (tsx): to completion, or as a long-running process. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `laurel ...args` to its end and answers its exit code and output, whatever the code. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: packageDir, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A long-running CLI process and what it printed so far. */
export interface Cli {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Until every one of these ends a line on stdout: the CLI prints after the receiver has answered. */
  waitForStdoutEndings(endings: string[], timeoutMs?: number): Promise<void>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: packageDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const cli: Cli = {
    child,
    stdout: [],
    stderr: [],
    async waitForStderr(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = cli.stderr.join('\n').match(pattern);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`the CLI exited with ${child.exitCode}: ${cli.stderr.join('\n')}`);
        if (Date.now() > deadline) throw new Error(`the CLI never printed ${pattern}: ${cli.stderr.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async waitForStdoutEndings(endings, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const missing = endings.filter((ending) => !cli.stdout.some((line) => line.endsWith(ending)));
        if (missing.length === 0) return;
        if (Date.now() > deadline) throw new Error(`the CLI never printed a line for ${missing.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  const collect = (lines: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop()!;
      lines.push(...parts);
    };
  };
  child.stdout!.on('data', collect(cli.stdout));
  child.stderr!.on('data', collect(cli.stderr));
  return cli;
}
