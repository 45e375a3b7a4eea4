/** A real Laurel server (`laurel start`) as a child process, on a fresh SQLite file and a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('../../../../server', import.meta.url));
const dashboardDist = fileURLToPath(new URL('../../../dist', import.meta.url));

export interface LaurelProcess {
  url: string;
  stop(): Promise<void>;
}

export async function startLaurel(env: Record<string, string> = {}): Promise<LaurelProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // From source (tsx), like the server's own tests, so a stale build of the server cannot be what is tested.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
    cwd: serverDir,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dataDir, 'laurel.db')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LAUREL_MODE: 'development',
      LAUREL_DASHBOARD_DIR: dashboardDist,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitHealthy(child, url);
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitHealthy(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`laurel exited with code ${child.exitCode} before becoming healthy`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('laurel did not become healthy within 30 s');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
