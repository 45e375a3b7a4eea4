import { loadConfig } from '../../src/config/config.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { createLaurel } from '../../src/laurel.js';
import { createWebhooks } from '../../src/webhooks/webhook-store.js';
const url = process.argv[2]!;
const roles = (process.argv[3] ?? 'api').split(',') as any;
const laurel = await createLaurel({ config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'warn', PORT: '0' }), roles });
if (process.env.NONOTIFY) { (laurel.backend as any).notify = undefined; }
const env = (await findEnvironmentByName(laurel.backend.db, 'production'))!.id;
await createWebhooks(laurel.backend.db, env, [{ name: 'b', url: 'http://127.0.0.1:9/x', events: ['points.changed'], enabled: true }], Date.now());
const N = 5000; let inflight = 0; const t = performance.now(); const ps: Promise<void>[] = [];
for (let i = 0; i < N; i++) {
  while (inflight >= 40) await new Promise((r) => setImmediate(r));
  inflight++;
  ps.push(laurel.backend.db.transaction().execute(async (trx) => { await laurel.outbox.emit(trx, { environmentId: env, type: 'points.changed', payload: { type: 'points.changed' } as never }, Date.now()); }).finally(() => { inflight--; }));
}
await Promise.all(ps);
console.log('emits/s', (N / (performance.now() - t) * 1000).toFixed(0));
await laurel.close();
