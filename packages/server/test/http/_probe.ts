import { startTestLaurel } from '../support/laurel.js';
const l = await startTestLaurel({ databaseUrl: 'sqlite:/tmp/probe-' + process.pid + '/l.db' });
const ok = { name: 'a', url: 'https://example.com/h', events: ['achievement.completed'] };
const cases: [string, string, any][] = [
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, name: '' }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, name: 'x'.repeat(256) }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, url: '/relative' }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, url: 'ftp://example.com' }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, url: 'javascript:alert(1)' }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, url: 'https://e.com/' + 'a'.repeat(2040) }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, events: [] }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, events: ['nope.nope'] }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, events: 'achievement.completed' }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, enabled: 'yes' }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, timeoutMs: 5 }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, timeoutMs: 600000 }] }],
  ['POST', '/admin/v1/webhooks', { body: ok }],
  ['POST', '/admin/v1/webhooks', { body: [] }],
  ['POST', '/admin/v1/webhooks', { rawBody: '[{"name":' }],
  ['POST', '/admin/v1/webhooks', { rawBody: '' }],
  ['POST', '/admin/v1/webhooks', { body: [ok, { ...ok, url: 'nope' }, ok] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, name: 'x'.repeat(2_000_000) }] }],
  ['GET', '/admin/v1/webhooks?limit=0', {}],
  ['GET', '/admin/v1/webhooks?limit=101', {}],
  ['GET', '/admin/v1/webhooks?skip=-1', {}],
  ['GET', '/admin/v1/webhooks?limit=abc', {}],
  ['GET', '/admin/v1/webhooks?limit=', {}],
  ['GET', '/admin/v1/nope', {}],
  ['GET', '/nope', {}],
  ['GET', '/admin/v1/webhooks/nope', {}],
  ['DELETE', '/admin/v1/webhooks', {}],
  ['DELETE', '/admin/v1/webhooks?ids=', {}],
  ['PATCH', '/admin/v1/webhooks', { body: [{ id: 'x' }] }],
  ['PATCH', '/admin/v1/webhooks', { body: [{ name: 'x' }] }],
  ['PATCH', '/admin/v1/webhooks', { body: [{ id: 'x', name: 'y' }] }],
  ['GET', '/admin/v1/webhooks', { key: null }],
  ['GET', '/admin/v1/webhooks', { key: 'garbage' }],
  ['POST', '/admin/v1/webhooks/x/secret/rotate', { body: { overlapSeconds: -1 } }],
  ['POST', '/admin/v1/webhooks/x/secret/rotate', {}],
  ['POST', '/admin/v1/webhooks/x/test', { body: { type: 'foo' } }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, extra: 1 }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, name: '   ' }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, url: 'http://' }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, events: ['toString'] }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ ...ok, events: [1] }] }],
  ['POST', '/admin/v1/webhooks', { body: [{ }] }],
  ['POST', '/admin/v1/webhooks', { body: [null] }],
  ['POST', '/admin/v1/webhooks', { body: null }],
];
for (const [m, p, o] of cases) {
  const r = await l.api(m as any, p, o);
  console.log(m, p.slice(0, 60), JSON.stringify(o).slice(0, 80), '->', r.status, JSON.stringify(r.body).slice(0, 400));
}
// content type
const r = await l.app!.inject({ method: 'POST', url: '/admin/v1/webhooks', headers: { 'x-api-key': l.keys.development, 'content-type': 'text/plain' }, payload: JSON.stringify([ok]) });
console.log('text/plain ->', r.statusCode, r.body);
const r2 = await l.app!.inject({ method: 'POST', url: '/admin/v1/webhooks', headers: { 'x-api-key': l.keys.development, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' });
console.log('form ->', r2.statusCode, r2.body);
const r3 = await l.app!.inject({ method: 'POST', url: '/admin/v1/webhooks', headers: { 'x-api-key': l.keys.development }, payload: JSON.stringify([ok]) });
console.log('none ->', r3.statusCode, r3.body);
const r4 = await l.app!.inject({ method: 'POST', url: '/admin/v1/webhooks', headers: { 'x-api-key': l.keys.development, 'content-type': 'application/json' }, payload: '' });
console.log('empty ->', r4.statusCode, r4.body);
const r5 = await l.app!.inject({ method: 'POST', url: '/admin/v1/webhooks/x/secret/rotate', headers: { 'x-api-key': l.keys.development} });
console.log('rotate no body ->', r5.statusCode, r5.body);
console.log((await l.api('GET', '/admin/v1/webhooks')).body);
await l.close();
