/**
 * The webhook event types Laurel sends, in the order Trophy's API reference lists them. The list is
 * declared in @laurel/webhooks (the receiver SDK), next to the body types, so there is one source.
 */
export { eventTypes, isEventType, type EventType } from '@laurel/webhooks/events';

/** Groups used by the dashboard to lay out the subscription checkboxes. */
export const eventAreas = ['achievements', 'streaks', 'points', 'leaderboards', 'emails'] as const;

export type EventArea = (typeof eventAreas)[number];
