import assert from 'node:assert/strict';
import type dns from 'node:dns';
import { describe, it } from 'node:test';
import { createAddressPolicy, createGuardedLookup, REFUSED_BY_POLICY, type Resolver } from '../../src/delivery/ssrf-guard.js';

const strict = createAddressPolicy({ allowPrivate: false, allowlist: [] });

describe('createAddressPolicy (allowPrivate: false)', () => {
  const allowed = [
    '93.184.216.34',
    '8.8.8.8',
    '2606:2800:220:1::1',
    '2001:4860:4860::8888',
    '::ffff:93.184.216.34', // mapped public v4
    '64:ff9b::5db8:d822', // NAT64 of 93.184.216.34
  ];
  const refused: [string, string][] = [
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['169.254.169.254', 'link-local / cloud metadata'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback /8'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'Alibaba metadata (CGNAT)'],
    ['192.0.2.1', 'reserved (TEST-NET-1)'],
    ['240.0.0.1', 'reserved (class E)'],
    ['::', 'v6 unspecified'],
    ['::1', 'v6 loopback'],
    ['fe80::1', 'v6 link-local'],
    ['ff02::1', 'v6 multicast'],
    ['fd00::1', 'unique local'],
    ['fd00:ec2::254', 'AWS IMDS over IPv6'],
    ['fec0::1', 'deprecated site-local'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:127.0.0.1', 'mapped loopback'],
    ['::ffff:7f00:1', 'mapped loopback, hex form'],
    ['::ffff:169.254.169.254', 'mapped metadata'],
    ['::7f00:1', 'IPv4-compatible loopback'],
    ['::ffff:0:7f00:1', 'IPv4-translated (rfc6145)'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['64:ff9b:1::5db8:d822', 'NAT64 local-use prefix'],
    ['2002:7f00:1::1', '6to4'],
    ['2002:5db8:d822::1', '6to4 (refused outright, even if public)'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['not-an-ip', 'garbage'],
    ['', 'empty'],
  ];

  for (const ip of allowed) it(`allows ${ip}`, () => assert.equal(strict.isAllowed(ip), true));
  for (const [ip, why] of refused) it(`refuses ${ip} (${why})`, () => assert.equal(strict.isAllowed(ip), false));
});

describe('createAddressPolicy options', () => {
  it('allowPrivate: true allows private and loopback addresses', () => {
    const open = createAddressPolicy({ allowPrivate: true, allowlist: [] });
    for (const ip of ['127.0.0.1', '10.0.0.1', '::1', 'fd00::1', '93.184.216.34']) assert.equal(open.isAllowed(ip), true, ip);
    assert.equal(open.isAllowed('not-an-ip'), false);
  });

  it('allowlist entries win over the private-range rules', () => {
    const p = createAddressPolicy({
      allowPrivate: false,
      allowlist: ['127.0.0.1/32', '10.1.0.0/16', '192.168.7.7', 'fd12:3456::/32', '::1'],
    });
    assert.equal(p.isAllowed('127.0.0.1'), true);
    assert.equal(p.isAllowed('127.0.0.2'), false);
    assert.equal(p.isAllowed('10.1.200.3'), true);
    assert.equal(p.isAllowed('10.2.0.1'), false);
    assert.equal(p.isAllowed('192.168.7.7'), true);
    assert.equal(p.isAllowed('192.168.7.8'), false);
    assert.equal(p.isAllowed('fd12:3456::9'), true);
    assert.equal(p.isAllowed('fd12:3457::9'), false);
    assert.equal(p.isAllowed('::1'), true);
    // Mapped and NAT64 forms are judged by their embedded IPv4, allowlist included.
    assert.equal(p.isAllowed('::ffff:127.0.0.1'), true);
    assert.equal(p.isAllowed('64:ff9b::a01:203'), true);
    assert.equal(p.isAllowed('169.254.169.254'), false);
  });

  it('a mapped allowlist entry covers the plain IPv4 range', () => {
    const p = createAddressPolicy({ allowPrivate: false, allowlist: ['::ffff:10.0.0.0/104'] });
    assert.equal(p.isAllowed('10.9.9.9'), true);
    assert.equal(p.isAllowed('11.0.0.1'), true); // public anyway
    assert.equal(p.isAllowed('192.168.0.1'), false);
  });

  for (const bad of ['10.0.0.0/33', 'example.com', '10.1', '10.0.0.1/', 'fd00::/129', '']) {
    it(`rejects invalid allowlist entry ${JSON.stringify(bad)} by name`, () => {
      assert.throws(
        () => createAddressPolicy({ allowPrivate: false, allowlist: ['127.0.0.1', bad] }),
        (err: Error) => err.message.includes(JSON.stringify(bad)),
      );
    });
  }
});

type LookupResult = { err: NodeJS.ErrnoException | null; address: string | dns.LookupAddress[]; family?: number };

function fakeResolver(table: Record<string, string[]>): Resolver & { calls: dns.LookupOptions[] } {
  const calls: dns.LookupOptions[] = [];
  const resolve = (hostname: string, options: dns.LookupOptions, cb: Parameters<Resolver>[2]) => {
    calls.push(options);
    const ips = table[hostname];
    setImmediate(() => {
      if (!ips) {
        const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        err.code = 'ENOTFOUND';
        cb(err, '');
      } else if (options.all) {
        cb(null, ips.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
      } else {
        cb(null, ips[0]!, ips[0]!.includes(':') ? 6 : 4);
      }
    });
  };
  return Object.assign(resolve, { calls });
}

function lookupOnce(lookup: ReturnType<typeof createGuardedLookup>, host: string, options: dns.LookupOptions) {
  return new Promise<LookupResult>((resolve) => lookup(host, options, (err, address, family) => resolve({ err, address, family })));
}

describe('createGuardedLookup', () => {
  const resolver = fakeResolver({
    'public.example': ['93.184.216.34'],
    'loopback.example': ['127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    'mixed.example': ['93.184.216.34', '10.0.0.7'],
    'v6.example': ['2606:2800:220:1::1', 'fd00:ec2::254'],
  });
  const lookup = createGuardedLookup(strict, resolver);

  it('passes an allowed single answer through (all: false)', async () => {
    const r = await lookupOnce(lookup, 'public.example', { family: 0 });
    assert.equal(r.err, null);
    assert.equal(r.address, '93.184.216.34');
    assert.equal(r.family, 4);
  });

  it('passes allowed answers through (all: true)', async () => {
    const r = await lookupOnce(lookup, 'public.example', { all: true });
    assert.equal(r.err, null);
    assert.deepEqual(r.address, [{ address: '93.184.216.34', family: 4 }]);
  });

  for (const all of [false, true]) {
    it(`refuses a name resolving to loopback (all: ${all}) with a coded error naming host and address`, async () => {
      const r = await lookupOnce(lookup, 'loopback.example', { all });
      assert.ok(r.err);
      assert.equal(r.err.code, REFUSED_BY_POLICY);
      assert.match(r.err.message, /loopback\.example/);
      assert.match(r.err.message, /127\.0\.0\.1/);
    });
  }

  it('refuses cloud metadata addresses', async () => {
    const r = await lookupOnce(lookup, 'metadata.example', { all: true });
    assert.equal(r.err?.code, REFUSED_BY_POLICY);
  });

  it('refuses a mixed public/private answer as a whole', async () => {
    const r = await lookupOnce(lookup, 'mixed.example', { all: true });
    assert.equal(r.err?.code, REFUSED_BY_POLICY);
    assert.match(r.err!.message, /10\.0\.0\.7/);
    const v6 = await lookupOnce(lookup, 'v6.example', { all: true });
    assert.equal(v6.err?.code, REFUSED_BY_POLICY);
  });

  it('passes resolver errors through untouched', async () => {
    const r = await lookupOnce(lookup, 'nope.example', { all: true });
    assert.equal(r.err?.code, 'ENOTFOUND');
  });

  it('forwards lookup options to the resolver', async () => {
    resolver.calls.length = 0;
    await lookupOnce(lookup, 'public.example', { family: 4, all: true, hints: 0 });
    assert.deepEqual(resolver.calls, [{ family: 4, all: true, hints: 0 }]);
  });
});
