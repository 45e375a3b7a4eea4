import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';

/**
 * A real webhook receiver on 127.0.0.1. It verifies every request the way receivers do in the
 * wild: Trophy's documented algorithm (base64 HMAC-SHA256 of the raw body under the secret) and
 * the Standard Webhooks reference library, then answers as the test scripted.
 */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  payload: any;
  /** Trophy's check against the receiver's current secret. */
  trophyVerified: boolean;
  /** Standard Webhooks check (id, timestamp within 5 min, any of the signatures). */
  standardVerified: boolean;
  receivedAt: number;
}

export type Reply = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number } | 'hang';

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Secrets the receiver trusts; the first one is what Trophy-style handlers check against. */
  secrets: string[];
  /** Decides each answer; the default is 200 when both signatures verify, 400 otherwise. */
  reply: (request: ReceivedRequest, index: number) => Reply;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export function trophyVerify(rawBody: string, signature: string | undefined, secret: string): boolean {
  if (!signature) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('base64'));
  const actual = Buffer.from(signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function standardVerify(rawBody: string, headers: IncomingHttpHeaders, secret: string): boolean {
  try {
    new StandardWebhook(secret).verify(rawBody, {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  }
}

export async function startReceiver(): Promise<Receiver> {
  const waiters = new Set<() => void>();
  const hanging = new Set<() => void>();
  const receiver: Receiver = {
    url: '',
    received: [],
    secrets: [],
    reply: (request) => ({ status: request.trophyVerified && request.standardVerified ? 200 : 400 }),
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (receiver.received.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(receiver.received.slice(0, count));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver got ${receiver.received.length} of ${count} requests within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of hanging) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const [secret] = receiver.secrets;
      const request: ReceivedRequest = {
        headers: req.headers,
        body,
        payload: safeParse(body),
        trophyVerified: secret !== undefined && trophyVerify(body, header(req.headers['x-trophy-signature']), secret),
        standardVerified: receiver.secrets.some((s) => standardVerify(body, req.headers, s)),
        receivedAt: Date.now(),
      };
      const index = receiver.received.length;
      receiver.received.push(request);
      for (const check of [...waiters]) check();
      const answer = receiver.reply(request, index);
      if (answer === 'hang') {
        const release = () => res.destroy();
        hanging.add(release);
        res.on('close', () => hanging.delete(release));
        return;
      }
      const send = () => {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? 'ok');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return receiver;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function safeParse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The distinct `webhook-id`s a receiver has seen (a redelivery counts once). */
export function uniqueIds(receiver: Receiver): Set<string> {
  return new Set(receiver.received.map((r) => String(r.headers['webhook-id'])));
}

/** Waits until every id has arrived (duplicates do not count twice); returns those still missing. */
export async function waitForAll(receiver: Receiver, ids: string[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const received = uniqueIds(receiver);
    const missing = ids.filter((id) => !received.has(id));
    if (missing.length === 0 || Date.now() > deadline) return missing;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
