import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idempotency, MemoryStore, type IdempotencyStore } from '../src/index.js';

function clock(start = 1_767_225_600_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('idempotency', () => {
  it('runs the work once per id; later copies are duplicates', async () => {
    const once = idempotency();
    let runs = 0;
    assert.deepEqual(await once.run('d1', () => ++runs), { status: 'processed', value: 1 });
    assert.deepEqual(await once.run('d1', () => ++runs), { status: 'duplicate' });
    assert.deepEqual(await once.run('d2', () => ++runs), { status: 'processed', value: 2 });
    assert.equal(runs, 2);
  });

  it('two copies arriving together: one runs, the other is told it is in progress (and the sender retries it)', async () => {
    const once = idempotency();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const first = once.run('d1', async () => {
      runs++;
      await gate;
      return 'done';
    });
    const second = await once.run('d1', () => runs++);
    assert.deepEqual(second, { status: 'in_progress' });
    release();
    assert.deepEqual(await first, { status: 'processed', value: 'done' });
    assert.deepEqual(await once.run('d1', () => runs++), { status: 'duplicate' });
    assert.equal(runs, 1);
  });

  it('a failed run releases its claim and rethrows, so the retry runs the work again', async () => {
    const once = idempotency();
    await assert.rejects(once.run('d1', () => Promise.reject(new Error('database down'))), /database down/);
    assert.deepEqual(await once.run('d1', () => 'second try'), { status: 'processed', value: 'second try' });
  });

  it('a claim whose process died is taken over once its lease runs out', async () => {
    const time = clock();
    const store = new MemoryStore({ now: time.now });
    assert.equal(store.claim('d1', 60), 'claimed');
    time.advance(59_999);
    assert.equal(store.claim('d1', 60), 'processing');
    time.advance(1);
    assert.equal(store.claim('d1', 60), 'claimed');
  });

  it('remembers a finished id for the ttl (default 7 days), then forgets it', async () => {
    const time = clock();
    const once = idempotency({ store: new MemoryStore({ now: time.now }) });
    await once.run('d1', () => undefined);
    time.advance(7 * 86_400_000 - 1);
    assert.equal((await once.run('d1', () => undefined)).status, 'duplicate');
    time.advance(1);
    assert.equal((await once.run('d1', () => undefined)).status, 'processed');
  });

  it('takes the lease and ttl as options', async () => {
    const time = clock();
    const once = idempotency({ store: new MemoryStore({ now: time.now }), leaseSeconds: 5, ttlSeconds: 10 });
    assert.equal(once.leaseSeconds, 5);
    await once.run('d1', () => undefined);
    time.advance(10_000);
    assert.equal((await once.run('d1', () => undefined)).status, 'processed');
  });

  it('the memory store stays within maxEntries, dropping expired entries first and then the oldest', () => {
    const time = clock();
    const store = new MemoryStore({ maxEntries: 10, now: time.now });
    store.complete('short', 1);
    for (let i = 0; i < 9; i++) store.complete(`d${i}`, 3600);
    time.advance(1000);
    store.complete('d9', 3600); // full: 'short' has expired and goes; nothing else needs to
    assert.equal(store.size, 10);
    assert.equal(store.claim('d0', 60), 'done');
    store.complete('d10', 3600); // full again, nothing expired: the oldest go, down to 90%
    assert.ok(store.size <= 10);
    assert.equal(store.claim('d10', 60), 'done');
    assert.equal(store.claim('d0', 60), 'claimed', 'the oldest was dropped');
  });

  it('works with an asynchronous store of the user\'s own', async () => {
    const rows = new Map<string, string>();
    const calls: string[] = [];
    const store: IdempotencyStore = {
      async claim(id) {
        calls.push(`claim ${id}`);
        const state = rows.get(id);
        if (state) return state === 'done' ? 'done' : 'processing';
        rows.set(id, 'processing');
        return 'claimed';
      },
      async complete(id) {
        calls.push(`complete ${id}`);
        rows.set(id, 'done');
      },
      async release(id) {
        calls.push(`release ${id}`);
        rows.delete(id);
      },
    };
    const once = idempotency({ store });
    await assert.rejects(once.run('a', () => Promise.reject(new Error('x'))));
    await once.run('a', () => 1);
    await once.run('a', () => 1);
    assert.deepEqual(calls, ['claim a', 'release a', 'claim a', 'complete a', 'claim a']);
  });
});
