/** A real Laurel server (`laurel start`) as a child process, on a fresh SQLite file and a free port. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startServerProcess } from '../../../../server/test/support/server-process.js';

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
  const child = await startServerProcess(
    {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dataDir, 'laurel.db')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      LAUREL_MODE: 'development',
      LAUREL_DASHBOARD_DIR: dashboardDist,
      LOG_LEVEL: 'warn',
      ...env,
    },
    url,
  );
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
