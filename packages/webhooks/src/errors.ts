/**
 * The one catalogue of what can go wrong when receiving a delivery: each code with the HTTP status
 * the handlers answer and a one-line summary. Thrown errors carry a longer message saying what
 * exactly was wrong and what to do. docs/receiving-webhooks.md lists the same codes (a test checks).
 *
 * Statuses: 400/401 when the request is at fault (Laurel logs the answer and retries like any
 * failure); 500 when the receiver's own set-up is, so nothing about the request is blamed; 413 for
 * a body far larger than any event. Never 410: Laurel disables a webhook that answers 410 Gone.
 */
export const verificationErrors = {
  missing_signature: { status: 401, summary: 'The request has neither a webhook-signature nor an X-Trophy-Signature header.' },
  missing_header: { status: 400, summary: 'A header the signature scheme needs is missing (webhook-id, webhook-timestamp or webhook-signature).' },
  malformed_header: { status: 400, summary: 'webhook-timestamp is not Unix seconds, or webhook-signature has no v1 entry.' },
  no_matching_signature: { status: 401, summary: 'No signature matches the body under any of the given secrets.' },
  stale_timestamp: { status: 401, summary: 'The signature is genuine but older than the tolerance: a replay, or a wrong clock.' },
  future_timestamp: { status: 401, summary: "The signature is genuine but its timestamp is ahead of this machine's clock by more than the tolerance." },
  timestamp_required: { status: 401, summary: 'Only X-Trophy-Signature was sent, and the receiver requires the timestamped webhook-signature.' },
  invalid_payload: { status: 400, summary: 'The verified body is not a JSON object with a string `type`.' },
  body_not_raw: { status: 500, summary: 'The body given is not the raw string or bytes: it was parsed, or never read.' },
  body_too_large: { status: 413, summary: 'The body is larger than the configured maximum.' },
  invalid_secret: { status: 500, summary: 'The secret given to the receiver is empty, has surrounding whitespace, or is not base64 after whsec_.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type VerificationErrorCode = keyof typeof verificationErrors;

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly code: VerificationErrorCode;
  /** The HTTP status the handlers answer with for this error. */
  readonly status: number;

  constructor(code: VerificationErrorCode, message: string) {
    super(message);
    this.code = code;
    this.status = verificationErrors[code].status;
  }
}
