export { verify, verifyDelivery, DEFAULT_TOLERANCE_SECONDS, type VerifyOptions, type VerifiedDelivery, type SignatureScheme } from './verify.js';
export { WebhookVerificationError, verificationErrors, type VerificationErrorCode } from './errors.js';
export type { HeadersInput } from './headers.js';
export type { RawBody } from './raw-body.js';
export type { Secret } from './secrets.js';
export { handlerAnswers, DEFAULT_MAX_BODY_BYTES, type HandlerOptions, type HandlerAnswer } from './answer-delivery.js';
export { webhookHandler } from './web-handler.js';
export { nodeHandler, expressHandler, type NodeHandler, type NodeRequestLike, type NodeResponseLike } from './node-handler.js';
export {
  fastifyWebhooks,
  type FastifyWebhookOptions,
  type FastifyInstanceLike,
  type FastifyRequestLike,
  type FastifyReplyLike,
} from './fastify-plugin.js';
export {
  idempotency,
  DEFAULT_LEASE_SECONDS,
  DEFAULT_TTL_SECONDS,
  type Idempotency,
  type IdempotencyOptions,
  type IdempotencyStore,
  type IdempotentResult,
  type ClaimState,
} from './idempotency.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export * from './events.js';
