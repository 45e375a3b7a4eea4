import type { AttemptOutcome, HttpSender } from './http-sender.js';
import { signatureHeaders, type SignInput } from './signer.js';

/** One attempt as the worker hands it over: where, what, and what to sign it with. */
export interface AttemptRequest extends SignInput {
  url: string;
  timeoutMs: number;
}

export interface AttemptResult {
  outcome: AttemptOutcome;
  /** The headers sent, signatures included, for the delivery log. */
  requestHeaders: Record<string, string>;
}

/**
 * The signing-and-sending half of a delivery attempt. The worker's bookkeeping (claims, decisions,
 * the log) stays on the database's thread; this part can run on another (threaded-transport.ts).
 */
export interface Transport {
  send(request: AttemptRequest): Promise<AttemptResult>;
  close(): Promise<void>;
}

/** Signs and sends on the calling thread. */
export function directTransport(sender: HttpSender): Transport {
  return {
    async send(request) {
      const requestHeaders = signatureHeaders(request);
      const outcome = await sender.send({ url: request.url, body: request.body, headers: requestHeaders, timeoutMs: request.timeoutMs });
      return { outcome, requestHeaders };
    },
    close: () => sender.close(),
  };
}
