import pg from 'pg';
export const pgTimes = new Map<string, [number, number]>();
const orig = (pg.Client.prototype as any).query;
(pg.Client.prototype as any).query = function (config: any, values: any, cb: any) {
  const text = typeof config === 'string' ? config : config?.text ?? '';
  const key = String(text).replace(/\s+/g, ' ').slice(0, 50);
  const s = performance.now();
  const r = orig.call(this, config, values, cb);
  if (r && typeof r.then === 'function') r.then(() => { const e = pgTimes.get(key) ?? [0, 0]; e[0] += performance.now() - s; e[1]++; pgTimes.set(key, e); }, () => {});
  return r;
};
