import assert from 'node:assert/strict';
import type dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpSender, type AttemptOutcome, type HttpSender } from '../../src/delivery/http-sender.js';
import { createAddressPolicy, type Resolver } from '../../src/delivery/ssrf-guard.js';

interface TestServer {
  url: string;
  port: number;
  hits: number;
  lastBody: string;
  close(): Promise<void>;
}

async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer((req, res) => {
    state.hits++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.lastBody = Buffer.concat(chunks).toString('utf8');
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    hits: 0,
    lastBody: '',
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

function post(sender: HttpSender, url: string, timeoutMs = 2000): Promise<AttemptOutcome> {
  return sender.send({ url, body: '{"event":"test"}', headers: { 'content-type': 'application/json' }, timeoutMs });
}

function expectResponse(o: AttemptOutcome) {
  assert.equal(o.kind, 'response', JSON.stringify(o));
  return o as Extract<AttemptOutcome, { kind: 'response' }>;
}

function expectError(o: AttemptOutcome, error: string) {
  assert.equal(o.kind, 'error', JSON.stringify(o));
  const e = o as Extract<AttemptOutcome, { kind: 'error' }>;
  assert.equal(e.error, error, e.message);
  assert.ok(e.message.length > 0);
  assert.ok(e.latencyMs >= 0);
  return e;
}

/** Resolves every name in `table` (and nothing else), like the OS would. */
function fakeResolver(table: Record<string, string>): Resolver & { sawAll: (boolean | undefined)[] } {
  const sawAll: (boolean | undefined)[] = [];
  const resolve: Resolver = (hostname, options, cb) => {
    sawAll.push(options.all);
    const ip = table[hostname];
    setImmediate(() => {
      if (ip === undefined) {
        const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        err.code = 'ENOTFOUND';
        err.syscall = 'getaddrinfo';
        cb(err, '');
      } else if (options.all) {
        cb(null, [{ address: ip, family: 4 }] satisfies dns.LookupAddress[]);
      } else {
        cb(null, ip, 4);
      }
    });
  };
  return Object.assign(resolve, { sawAll });
}

describe('http sender against real loopback servers (no guard)', () => {
  let sender: HttpSender;
  const servers: TestServer[] = [];
  const serve = async (h: http.RequestListener) => {
    const s = await startServer(h);
    servers.push(s);
    return s;
  };

  before(() => {
    sender = createHttpSender({ policy: null, connectionsPerOrigin: 4 });
  });
  after(async () => {
    await sender.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('records a 2xx with a small body and sends the payload', async () => {
    const s = await serve((_req, res) => res.writeHead(200).end('ok'));
    const r = expectResponse(await post(sender, `${s.url}/hook?x=1`));
    assert.equal(r.status, 200);
    assert.equal(r.body, 'ok');
    assert.equal(r.retryAfter, null);
    assert.ok(r.latencyMs > 0);
    assert.equal(s.lastBody, '{"event":"test"}');
  });

  it('truncates a 10 KB body to 4096 bytes', async () => {
    const s = await serve((_req, res) => res.writeHead(200).end('a'.repeat(10 * 1024)));
    const r = expectResponse(await post(sender, s.url));
    assert.equal(r.body.length, 4096);
    // The connection was dropped mid-body; the origin keeps working.
    expectResponse(await post(sender, s.url));
  });

  it('does not cut a multi-byte character in half when truncating', async () => {
    const s = await serve((_req, res) => res.writeHead(200).end('a' + '€'.repeat(3000)));
    const r = expectResponse(await post(sender, s.url));
    assert.equal(Buffer.byteLength(r.body), 4096); // 1 + 1365 * 3
    assert.ok(!r.body.includes('\uFFFD'));
  });

  it('keeps a body of exactly 4096 bytes intact', async () => {
    const s = await serve((_req, res) => res.writeHead(200).end('b'.repeat(4096)));
    assert.equal(expectResponse(await post(sender, s.url)).body.length, 4096);
  });

  it('records 500 and 410', async () => {
    const s500 = await serve((_req, res) => res.writeHead(500).end('boom'));
    const s410 = await serve((_req, res) => res.writeHead(410).end());
    const r500 = expectResponse(await post(sender, s500.url));
    assert.equal(r500.status, 500);
    assert.equal(r500.body, 'boom');
    const r410 = expectResponse(await post(sender, s410.url));
    assert.equal(r410.status, 410);
    assert.equal(r410.body, '');
  });

  it('does not follow a 302 redirect', async () => {
    const target = await serve((_req, res) => res.writeHead(200).end('followed'));
    const redirector = await serve((_req, res) => res.writeHead(302, { location: `${target.url}/elsewhere` }).end());
    const r = expectResponse(await post(sender, redirector.url));
    assert.equal(r.status, 302);
    await sleep(50);
    assert.equal(target.hits, 0);
    assert.equal(redirector.hits, 1);
  });

  it('reports Retry-After as the receiver sent it', async () => {
    const s = await serve((_req, res) => res.writeHead(429, { 'retry-after': '120' }).end());
    const r = expectResponse(await post(sender, s.url));
    assert.equal(r.status, 429);
    assert.equal(r.retryAfter, '120');
  });

  it('times out on a server that never answers', async () => {
    const s = await serve(() => {});
    const e = expectError(await post(sender, s.url, 200), 'timeout');
    assert.ok(e.latencyMs >= 150 && e.latencyMs < 5000, String(e.latencyMs));
  });

  it('times out on a server that sends headers then drips the body', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const drip = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(drip));
    });
    const e = expectError(await post(sender, s.url, 300), 'timeout');
    assert.ok(e.latencyMs >= 250 && e.latencyMs < 5000, String(e.latencyMs));
  });

  it('reports connection refused', async () => {
    const s = await startServer(() => {});
    await s.close();
    const e = expectError(await post(sender, s.url), 'connection');
    assert.match(e.message, /ECONNREFUSED/);
  });

  it('reports a DNS failure for a .invalid name', async () => {
    expectError(await post(sender, 'http://laurel-test.invalid/hook'), 'dns');
  });

  it('rejects non-http(s) and malformed URLs without throwing', async () => {
    assert.match(expectError(await post(sender, 'ftp://127.0.0.1/x'), 'connection').message, /scheme/);
    expectError(await post(sender, 'not a url'), 'connection');
  });

  it('allows loopback when no policy is set (development mode)', async () => {
    const s = await serve((_req, res) => res.writeHead(204).end());
    assert.equal(expectResponse(await post(sender, s.url)).status, 204);
  });

  it('one hanging endpoint does not block another', async () => {
    const slow = await startServer(() => {});
    const fast = await serve((_req, res) => res.writeHead(200).end('fast'));
    const hanging = Array.from({ length: 8 }, () => post(sender, slow.url, 10_000));
    await sleep(50);
    const results = await Promise.all(Array.from({ length: 50 }, () => post(sender, fast.url, 10_000)));
    for (const r of results) assert.equal(expectResponse(r).status, 200);
    assert.equal(fast.hits, 50);
    await slow.close(); // lets the hanging attempts fail now instead of at 10 s
    for (const r of await Promise.all(hanging)) assert.equal(r.kind, 'error');
  });
});

describe('http sender with the SSRF guard', () => {
  let receiver: TestServer;
  let guarded: HttpSender;
  let allowlisted: HttpSender;
  const resolver = fakeResolver({ 'hooks.customer.example': '127.0.0.1' });

  before(async () => {
    receiver = await startServer((_req, res) => res.writeHead(200).end('received'));
    const policy = createAddressPolicy({ allowPrivate: false, allowlist: [] });
    guarded = createHttpSender({ policy, connectionsPerOrigin: 2, resolve: resolver });
    allowlisted = createHttpSender({
      policy: createAddressPolicy({ allowPrivate: false, allowlist: ['127.0.0.1/32'] }),
      connectionsPerOrigin: 2,
      resolve: resolver,
    });
  });
  after(async () => {
    await Promise.all([guarded.close(), allowlisted.close()]);
    await receiver.close();
  });

  const literals = [
    '127.0.0.1',
    '10.0.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '[::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[fd00::1]',
    '0.0.0.0',
    '2130706433', // 127.0.0.1 as a decimal host; WHATWG URL normalizes it
  ];
  for (const host of literals) {
    it(`refuses literal ${host} without connecting`, async () => {
      const e = expectError(await post(guarded, `http://${host}:${receiver.port}/hook`), 'refused_by_policy');
      assert.ok(!e.message.includes('/hook'));
      assert.equal(receiver.hits, 0);
    });
  }

  it('refuses a hostname that resolves to loopback at connect time', async () => {
    const e = expectError(await post(guarded, `http://hooks.customer.example:${receiver.port}/hook`), 'refused_by_policy');
    assert.match(e.message, /hooks\.customer\.example/);
    assert.match(e.message, /127\.0\.0\.1/);
    assert.equal(receiver.hits, 0);
    assert.ok(resolver.sawAll.length > 0, 'the injected resolver was consulted');
  });

  it('reports an unresolvable name as dns', async () => {
    expectError(await post(guarded, 'http://missing.customer.example/hook'), 'dns');
  });

  it('an allowlist entry lets the same requests through', async () => {
    const viaName = expectResponse(await post(allowlisted, `http://hooks.customer.example:${receiver.port}/hook`));
    assert.equal(viaName.status, 200);
    assert.equal(viaName.body, 'received');
    const viaLiteral = expectResponse(await post(allowlisted, `http://127.0.0.1:${receiver.port}/hook`));
    assert.equal(viaLiteral.status, 200);
    assert.equal(receiver.hits, 2);
  });
});
