/**
 * PostgreSQL going away under a running server (a restart, a failover) is an outage, not a
 * client's mistake and not a bug: requests get 503 database_unavailable with Retry-After, nothing
 * is written, the process survives the dropped connections (node:test fails a file on an uncaught
 * 'error' of a pg client, which is what a checked-out client without a listener raised), and the
 * server serves again once the database is back. The outage is real: the
 * server reaches PostgreSQL through a TCP relay on loopback that the test closes and reopens.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { forEachBackend } from '../support/backends.js';
import { assertError } from '../support/assert-error.js';
import { developmentFixtures } from '../support/fixtures.js';
import { startTestLaurel, type TestLaurel } from '../support/laurel.js';

/** A relay from a free loopback port to `target`; `close` drops every connection through it. */
class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

forEachBackend('the database going away', (database, kind) => {
  if (kind !== 'postgres') return; // SQLite is a file in the server's own process: it cannot go away like this.
  let relay: Relay;
  let laurel: TestLaurel;

  before(async () => {
    const url = new URL(database().url);
    relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.open();
    url.hostname = '127.0.0.1';
    url.port = String(relay.port);
    laurel = await startTestLaurel({ databaseUrl: url.toString(), roles: ['api'] });
    await (await developmentFixtures(laurel)).metric({ key: 'lessons' });
  });
  after(async () => {
    await relay.open().catch(() => {}); // let the pool close its connections cleanly
    await laurel?.close();
    await relay.close();
  });

  test('503 database_unavailable with Retry-After while PostgreSQL is unreachable, nothing written; served again once it is back', async () => {
    const event = (id: string) => laurel.api('POST', '/v1/metrics/lessons/event', { body: { user: { id }, value: 1 } });
    assert.equal((await event('before')).status, 201);

    await relay.close();
    const during = await laurel.app!.inject({ method: 'POST', url: '/v1/metrics/lessons/event', headers: { 'x-api-key': laurel.keys.development, 'content-type': 'application/json' }, payload: JSON.stringify({ user: { id: 'during' }, value: 1 }) });
    assertError({ status: during.statusCode, body: JSON.parse(during.body) }, 503, /cannot be reached/, /Nothing was written/);
    assert.equal(during.headers['retry-after'], '5');
    assertError(await laurel.api('GET', '/v1/users/before'), 503);

    await relay.open();
    assert.equal((await laurel.api('GET', '/v1/users/before')).status, 200);
    assert.equal((await laurel.api('GET', '/v1/users/during')).status, 404, 'the refused event left no user');
    assert.equal((await event('after')).status, 201);

    // Straight from the database, past the relay: exactly the two accepted events.
    const direct = new pg.Client({ connectionString: database().url });
    await direct.connect();
    try {
      const { rows } = await direct.query('select count(*)::int as n from metric_events');
      assert.equal(rows[0].n, 2);
    } finally {
      await direct.end();
    }
  });
});

describe('what counts as the database being unreachable', () => {
  test('socket errors, PostgreSQL connection codes and node-postgres messages do; a constraint violation or a bug does not', async () => {
    const { isDatabaseUnreachable } = await import('../../src/store/database-errors.js');
    const withCode = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '53300', '08006']) assert.equal(isDatabaseUnreachable(withCode(code)), true, code);
    assert.equal(isDatabaseUnreachable(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isDatabaseUnreachable(new Error('timeout exceeded when trying to connect')), true);
    for (const code of ['23505', '42P01', 'SQLITE_BUSY']) assert.equal(isDatabaseUnreachable(withCode(code)), false, code);
    assert.equal(isDatabaseUnreachable(new TypeError('x is undefined')), false);
    assert.equal(isDatabaseUnreachable('ECONNREFUSED'), false);
  });
});
