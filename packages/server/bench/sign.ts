// Signing and HTTP client shared by the peers, so the raw loop and the BullMQ
// worker pay exactly the per-request cost a real webhook sender pays: a fresh
// id and timestamp, two HMACs (Trophy's and Standard Webhooks'), one undici POST.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Agent } from 'undici';

/** A Standard Webhooks secret (`whsec_` + base64 key), fresh per process. */
export const BENCH_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

export interface Signer {
  /** Headers for one attempt; `id` defaults to a new UUID, as a delivery id would be. */
  sign(body: string, eventType?: string, id?: string): Record<string, string>;
}

export function createSigner(secret: string = BENCH_SECRET): Signer {
  // Decoded once, like Laurel's signer caches it: decoding is not per-request work.
  const standardKey = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return {
    sign(body, eventType = 'bench.event', id = randomUUID()) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const trophy = createHmac('sha256', secret).update(body).digest('base64');
      const standard = createHmac('sha256', standardKey).update(`${id}.${timestamp}.${body}`).digest('base64');
      return {
        'content-type': 'application/json',
        'user-agent': 'laurel-bench',
        'x-trophy-signature': trophy,
        'x-trophy-webhook-id': id,
        'x-trophy-event-type': eventType,
        'x-trophy-timestamp': timestamp,
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1,${standard}`,
      };
    },
  };
}

export interface BenchClient {
  /** POSTs and drains the response; true on 2xx, false on any other status or error. */
  post(url: string, body: string, headers: Record<string, string>): Promise<boolean>;
  /** POSTs and reads the response body (up to 4 KiB kept, as Laurel's log does); null on a network error. */
  send(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string } | null>;
  close(): Promise<void>;
}

const KEPT_BODY_BYTES = 4096;

/** Same undici setup as Laurel's http-sender: one Agent, `connections` sockets per origin, keep-alive. */
export function createBenchClient(opts: { connections: number; timeoutMs?: number }): BenchClient {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const agent = new Agent({ connections: opts.connections, pipelining: 1 });
  const request = (url: string, body: string, headers: Record<string, string>) => {
    const { origin, pathname, search } = new URL(url);
    return agent.request({ origin, path: pathname + search, method: 'POST', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  };
  return {
    async post(url, body, headers) {
      try {
        const res = await request(url, body, headers);
        // Read to the end so the socket goes back to the pool, as a sender recording the body would.
        for await (const _chunk of res.body) {
          // discard
        }
        return res.statusCode >= 200 && res.statusCode < 300;
      } catch {
        return false;
      }
    },
    async send(url, body, headers) {
      try {
        const res = await request(url, body, headers);
        const chunks: Buffer[] = [];
        let kept = 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          if (kept < KEPT_BODY_BYTES) chunks.push(chunk);
          kept += chunk.length;
        }
        return { status: res.statusCode, body: Buffer.concat(chunks).subarray(0, KEPT_BODY_BYTES).toString('utf8') };
      } catch {
        return null;
      }
    },
    close: () => agent.close(),
  };
}

export interface SampleEvent {
  type: string;
  data: { userId: string; achievement: { key: string; name: string }; seq: number };
}

/** A small event payload shaped like a Trophy webhook body. */
export function sampleEvent(i: number): SampleEvent {
  return {
    type: 'achievement.completed',
    data: { userId: `user-${i % 1000}`, achievement: { key: 'streak-7', name: 'Seven day streak' }, seq: i },
  };
}

/** The bench only ever targets this machine's loopback. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`bench target must be loopback, got ${host}`);
  }
}
