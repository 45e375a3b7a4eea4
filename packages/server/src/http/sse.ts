import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

export interface SseMessage {
  id: string;
  event: string;
  data: string;
}

/**
 * One Server-Sent Events response (https://html.spec.whatwg.org/multipage/server-sent-events.html)
 * written straight to the socket of a hijacked Fastify reply. `closed` resolves when either side
 * ends it. Writes report backpressure: after `send` returns false, await `drained()`.
 */
export class SseResponse {
  readonly closed: Promise<void>;
  private isClosed = false;

  constructor(
    private readonly res: ServerResponse,
    options: { retryMs: number },
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers proxied responses unless told not to.
      'x-accel-buffering': 'no',
    });
    this.closed = new Promise((resolve) =>
      res.once('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
    // How long an EventSource waits before reconnecting.
    res.write(`retry: ${options.retryMs}\n\n`);
  }

  get open(): boolean {
    return !this.isClosed && !this.res.writableEnded;
  }

  send(message: SseMessage): boolean {
    // A data line ends at a line break; JSON bodies have none, but a multi-line value stays intact this way.
    const data = message.data
      .split(/\r\n|\r|\n/)
      .map((line) => `data: ${line}\n`)
      .join('');
    return this.res.write(`id: ${message.id}\nevent: ${message.event}\n${data}\n`);
  }

  /** An id without data: sets the client's last event id (where it resumes) without an event. */
  position(id: string): void {
    if (this.open) this.res.write(`id: ${id}\n\n`);
  }

  /** A comment line: ignored by clients, but it keeps proxies and idle timers from closing the connection. */
  comment(text: string): void {
    if (this.open) this.res.write(`: ${text}\n\n`);
  }

  async drained(): Promise<void> {
    if (!this.open || !this.res.writableNeedDrain) return;
    await Promise.race([once(this.res, 'drain').catch(() => {}), this.closed]);
  }

  end(): void {
    if (this.open) this.res.end();
  }
}
