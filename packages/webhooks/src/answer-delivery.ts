import { WebhookVerificationError } from './errors.js';
import type { WebhookEvent } from './events.js';
import type { HeadersInput } from './headers.js';
import type { Idempotency } from './idempotency.js';
import type { RawBody } from './raw-body.js';
import type { Secret } from './secrets.js';
import { verifyDelivery, type VerifiedDelivery, type VerifyOptions } from './verify.js';

/** What every handler flavour (Web, Express, node:http, Fastify) takes. */
export interface HandlerOptions extends VerifyOptions {
  secret: Secret;
  /**
   * Called once per verified delivery. Returning (or resolving) answers 200; throwing answers 500,
   * and Laurel retries later. Keep it quick: Laurel waits at most 60 s, and a slow receiver holds
   * up its own webhook's other deliveries.
   */
  onEvent(event: WebhookEvent, delivery: VerifiedDelivery): unknown;
  /** Runs each delivery id once: a duplicate answers 200 without calling onEvent. */
  idempotency?: Idempotency;
  /** Told about every answer that is not 2xx, with why. Default: one line on console.error. */
  onError?(error: unknown, answer: HandlerAnswer): void;
  /** Bodies larger than this are refused with 413 before verifying. Default 1 MiB; events are a few KiB. */
  maxBodyBytes?: number;
}

/** A framework-neutral HTTP answer, which each adapter writes out its own way. */
export interface HandlerAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The answers a handler gives besides 200 and the verification errors (see errors.ts), each with
 * its status and the message sent in the body. The user's own error messages are never sent.
 */
export const handlerAnswers = {
  method_not_allowed: { status: 405, message: 'Laurel delivers webhooks with POST.' },
  in_progress: { status: 409, message: 'This delivery is being handled by another request right now; try again later.' },
  handler_failed: { status: 500, message: 'The receiver failed to handle the event; Laurel will retry.' },
  receiver_error: { status: 500, message: 'The receiver could not read or verify the request; Laurel will retry.' },
} as const satisfies Record<string, { status: number; message: string }>;

/**
 * Verifies, deduplicates and handles one request, and never throws: every outcome is an answer.
 * `readBody` gives the raw body; it is a function so that errors reading it (a parsed body, a body
 * too large) are answered like any other.
 */
export async function answerDelivery(
  method: string | undefined,
  headers: HeadersInput,
  readBody: () => unknown,
  options: HandlerOptions,
): Promise<HandlerAnswer> {
  if (method !== undefined && method.toUpperCase() !== 'POST') {
    return answerWith('method_not_allowed', { allow: 'POST' });
  }
  let delivery: VerifiedDelivery;
  try {
    // Whatever the framework left is checked at run time by verifyDelivery, hence the cast.
    delivery = await verifyDelivery((await readBody()) as RawBody, headers, options.secret, options);
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      return failed(error, json(error.status, { error: error.code, message: error.message }), options);
    }
    // Reading the body failed (the client went away) or WebCrypto is missing: nothing the sender did.
    return failed(error, answerWith('receiver_error'), options, 'reading or verifying the request failed');
  }

  const handle = () => options.onEvent(delivery.event, delivery);
  try {
    if (options.idempotency && delivery.id !== undefined) {
      const result = await options.idempotency.run(delivery.id, handle);
      if (result.status === 'duplicate') return json(200, { received: true, duplicate: true });
      if (result.status === 'in_progress') {
        const busy = answerWith('in_progress', { 'retry-after': String(options.idempotency.leaseSeconds) });
        return failed(new Error(`delivery ${delivery.id} is already being handled`), busy, options);
      }
    } else {
      await handle();
    }
  } catch (error) {
    // onEvent threw, or the idempotency store did. The message may carry internals, so the sender
    // only learns that it failed; onError gets the error itself.
    const context = `handling delivery ${delivery.id ?? '(no id)'} (${delivery.event.type}) failed`;
    return failed(error, answerWith('handler_failed'), options, context);
  }
  return json(200, { received: true });
}

export function bodyLimit(options: HandlerOptions): number {
  return options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
}

export function tooLarge(limit: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'body_too_large',
    `The body is larger than ${limit} bytes (maxBodyBytes). Laurel's events are a few KiB, so this is not a delivery from it.`,
  );
}

function failed(error: unknown, answer: HandlerAnswer, options: HandlerOptions, context?: string): HandlerAnswer {
  try {
    if (options.onError) options.onError(error, answer);
    else logToConsole(error, answer, context);
  } catch {
    // A failing logger must not turn a deliberate answer into a crash.
  }
  return answer;
}

function logToConsole(error: unknown, answer: HandlerAnswer, context: string | undefined): void {
  if (error instanceof WebhookVerificationError) {
    console.error(`[@laurel/webhooks] answered ${answer.status} ${error.code}: ${error.message}`);
  } else {
    console.error(`[@laurel/webhooks] answered ${answer.status}${context ? `: ${context}` : ''}`, error);
  }
}

function answerWith(code: keyof typeof handlerAnswers, headers?: Record<string, string>): HandlerAnswer {
  const { status, message } = handlerAnswers[code];
  return json(status, { error: code, message }, headers);
}

function json(status: number, body: object, headers: Record<string, string> = {}): HandlerAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}
