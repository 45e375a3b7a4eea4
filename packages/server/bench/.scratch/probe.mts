import { pgTimes } from './pgtime.mts';
import { loadConfig } from '../../src/config/config.js';
import { findEnvironmentByName } from '../../src/environments/environments.js';
import { createLaurel } from '../../src/laurel.js';
import { createWebhooks } from '../../src/webhooks/webhook-store.js';
import { startReceiver } from '../../bench/receiver.js';
import SQLite from 'better-sqlite3';
const sqlTimes = new Map<string, [number, number]>();
const proto = (SQLite as any).prototype;
const origPrepare = proto.prepare;
(globalThis as any).__x = function (source: string) {
  const st = origPrepare.call(this, source);
  const key = source.replace(/\s+/g, ' ').slice(0, 60);
  for (const m of ['run', 'all', 'get', 'iterate']) {
    const f = st[m];
    st[m] = function (...a: any[]) { const s = performance.now(); try { return f.apply(st, a); } finally { const e = sqlTimes.get(key) ?? [0, 0]; e[0] += performance.now() - s; e[1]++; sqlTimes.set(key, e); } };
  }
  return st;
};
const url = process.argv[2] ?? 'sqlite:/tmp/scratch/p.db';
const receiver = await startReceiver();
const laurel = await createLaurel({ config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'warn', LAUREL_WEBHOOK_CONCURRENCY: '50', LAUREL_DELIVERY_TIMEOUT: '10s', LAUREL_LEASE: '30s' }), roles: ['worker'] });
const env = (await findEnvironmentByName(laurel.backend.db, 'production'))!.id;
await createWebhooks(laurel.backend.db, env, [{ name: 'b', url: receiver.url, events: ['points.changed'] }], Date.now());
const N = 20000;
let t = performance.now();
for (let i = 0; i < N; i += 100) {
  await laurel.backend.db.transaction().execute(async (trx) => {
    await laurel.outbox.emitAll(trx, Array.from({ length: 100 }, () => ({ environmentId: env, type: 'points.changed' as const, payload: { type: 'points.changed', committedAt: Date.now() } as never })), Date.now());
  });
}
console.log('emit', N, (performance.now() - t).toFixed(0), 'ms');
let batches = 0, items = 0;
const orig = (laurel.worker as any).flush.bind(laurel.worker);
(laurel.worker as any).flush = async () => { batches++; items += (laurel.worker as any).finished.length; return orig(); };
const timers: Record<string, number> = {};
const wrap = (obj: any, name: string) => { const f = obj[name]; obj[name] = async (...a: any[]) => { const s = performance.now(); try { return await f.apply(obj, a); } finally { timers[name] = (timers[name] ?? 0) + performance.now() - s; } }; };
wrap(laurel.worker as any, 'load');
const origPump = (laurel.worker as any).pump;
t = performance.now();
const { Session } = await import('node:inspector/promises');
const session = new Session(); session.connect(); await session.post('Profiler.enable'); if (process.env.PROFILE) await session.post('Profiler.start');
const elu0 = performance.eventLoopUtilization(); const cpu0 = process.cpuUsage();
await laurel.start();
await receiver.waitFor(N, 120000);
console.log([...pgTimes].sort((a,b)=>b[1][0]-a[1][0]).slice(0,10).map(([k,[t,n]])=>`${t.toFixed(0)}ms ${n}x ${k}`).join('\n')); if (process.env.PROFILE) { const { profile } = await session.post('Profiler.stop') as any; (await import('node:fs')).writeFileSync('/tmp/deliver.cpuprofile', JSON.stringify(profile)); }
console.log(timers); const cpu = process.cpuUsage(cpu0); console.log('cpu µs/delivery user', (cpu.user / N).toFixed(0), 'sys', (cpu.system / N).toFixed(0)); console.log('ELU', performance.eventLoopUtilization(elu0).utilization.toFixed(2)); console.log([...sqlTimes].sort((a,b)=>b[1][0]-a[1][0]).slice(0,10).map(([k,[t,n]])=>`${t.toFixed(0)}ms ${n}x ${k}`).join('\n')); console.log('deliver', N, (performance.now() - t).toFixed(0), 'ms', 'flushes', batches, 'avg batch', (items / batches).toFixed(1));
await laurel.close(); await receiver.close();
