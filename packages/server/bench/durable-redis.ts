// A throwaway redis-server that writes every command to its append-only file, so the BullMQ peer
// can be measured doing what Laurel does: keep every queued job across a crash. The shared Redis
// on these machines runs without persistence, which makes its row a queue that forgets on restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/server-process.js';

export type Fsync = 'everysec' | 'always';

export interface DurableRedis {
  url: string;
  stop(): Promise<void>;
}

/** undefined when redis-server is not installed here. */
export async function startDurableRedis(fsync: Fsync): Promise<DurableRedis | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'laurel-bench-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', fsync];
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    setTimeout(() => resolve(false), 300);
  });
  if (failed || child.exitCode !== null) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

