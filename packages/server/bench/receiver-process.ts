// The webhook receiver's own process (forked by receiver.ts). It counts
// requests and records latencies, and pushes them to the parent in batches:
// one IPC message per request would cost the sender's event loop more than
// the HTTP request itself.
import { createServer } from 'node:http';

type FromParent =
  | { type: 'waitFor'; id: number; n: number }
  | { type: 'reset'; epoch: number }
  | { type: 'close' };

export type FromReceiver =
  | { type: 'listening'; port: number }
  | { type: 'update'; epoch: number; count: number; latencies: Float64Array }
  | { type: 'reached'; id: number };

const send = (msg: FromReceiver): void => {
  process.send?.(msg);
};

let epoch = 0;
let count = 0;
let lastSentCount = 0;
let pending: number[] = [];
const waiters = new Map<number, number>(); // waiter id -> target count

function flush(): void {
  if (pending.length === 0 && count === lastSentCount) return;
  send({ type: 'update', epoch, count, latencies: Float64Array.from(pending) });
  lastSentCount = count;
  pending = [];
}
setInterval(flush, 50).unref();

function checkWaiters(): void {
  for (const [id, n] of waiters) {
    if (count < n) continue;
    waiters.delete(id);
    flush(); // IPC keeps order, so the parent's count() is already >= n when waitFor resolves
    send({ type: 'reached', id });
  }
}

function latencyOf(sentAtHeader: string | string[] | undefined, body: string, receivedAt: number): number | null {
  if (typeof sentAtHeader === 'string') {
    const sentAt = Number(sentAtHeader);
    if (Number.isFinite(sentAt)) return receivedAt - sentAt;
  }
  // Laurel embeds its commit time in the payload; skip parsing bodies that cannot carry it.
  if (!body.includes('"committedAt"')) return null;
  const found = { committedAt: NaN };
  try {
    // A reviver finds the field at any depth (top level or inside `data`).
    JSON.parse(body, (key, value: unknown) => {
      if (key === 'committedAt' && typeof value === 'number') found.committedAt = value;
      return value;
    });
  } catch {
    return null;
  }
  return Number.isNaN(found.committedAt) ? null : receivedAt - found.committedAt;
}

const server = createServer({ keepAlive: true }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const receivedAt = Date.now();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
    count++;
    const latency = latencyOf(req.headers['x-bench-sent-at'], Buffer.concat(chunks).toString('utf8'), receivedAt);
    if (latency !== null) pending.push(latency);
    if (pending.length >= 8192) flush();
    if (waiters.size > 0) checkWaiters();
  });
});
// The sender keeps sockets for the whole run; never let the server drop an idle one mid-run.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;

process.on('message', (msg: FromParent) => {
  if (msg.type === 'waitFor') {
    waiters.set(msg.id, msg.n);
    checkWaiters();
  } else if (msg.type === 'reset') {
    epoch = msg.epoch;
    count = 0;
    lastSentCount = 0;
    pending = [];
  } else if (msg.type === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  }
});
// Never outlive the parent.
process.on('disconnect', () => process.exit(0));

const port = Number(process.env.BENCH_RECEIVER_PORT ?? 0);
server.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  if (addr && typeof addr === 'object') send({ type: 'listening', port: addr.port });
});
