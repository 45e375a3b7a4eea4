/**
 * Webhook body shapes. They are declared once, in @laurel/webhooks (the receiver SDK), so the
 * bodies built here and the types receivers switch on cannot drift apart.
 */
export type * from '@laurel/webhooks/events';
