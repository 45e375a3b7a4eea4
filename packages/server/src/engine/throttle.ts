/**
 * A webhook throttle as a pure reducer: at most one delivery per key (user + points system,
 * board, user + board) per window, on the leading edge at once, then at most one trailing delivery
 * that carries every change of the window merged. Trophy's 15-minute rules for points.changed,
 * leaderboard.changed and leaderboard.rank_changed all use it, each with its own merge.
 *
 * States: idle (nothing sent within the window) -> a change is sent at once and opens a window;
 * open -> changes are merged into one pending payload, due when the window closes; at that time
 * `flushThrottle` sends it and opens a new window (so a busy key gets one delivery per window).
 */

/** The standard window: 15 minutes. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;

export interface ThrottleState<P> {
  /** When the last delivery went out; null = never. */
  lastSentAt: number | null;
  /** Changes waiting for the trailing delivery, merged; null = none. */
  pending: P | null;
}

export type ThrottleDecision<P> =
  /** Deliver `payload` now. */
  | { kind: 'send'; payload: P }
  /** Hold it: deliver `pending` at `at` (the same time for every change of one window). */
  | { kind: 'hold'; at: number; pending: P };

export const idleThrottle: ThrottleState<never> = { lastSentAt: null, pending: null };

/**
 * Takes a new change. `merge(older, newer)` combines two payloads of the same key; for
 * "latest state wins" it returns `newer`. A change after the window closed is sent at once,
 * together with anything still pending (its trailing delivery had not run yet).
 */
export function offerThrottle<P>(
  state: ThrottleState<P>,
  change: P,
  now: number,
  merge: (older: P, newer: P) => P,
  windowMs: number = THROTTLE_WINDOW_MS,
): { state: ThrottleState<P>; decision: ThrottleDecision<P> } {
  const payload = state.pending === null ? change : merge(state.pending, change);
  if (state.lastSentAt === null || now >= state.lastSentAt + windowMs) {
    return { state: { lastSentAt: now, pending: null }, decision: { kind: 'send', payload } };
  }
  return { state: { lastSentAt: state.lastSentAt, pending: payload }, decision: { kind: 'hold', at: state.lastSentAt + windowMs, pending: payload } };
}

/**
 * Runs the trailing delivery: at or after the window's end, the pending payload is sent and
 * starts a new window. Early, or with nothing pending (a later change already took it), nothing
 * happens: `send` is null and the state is unchanged.
 */
export function flushThrottle<P>(
  state: ThrottleState<P>,
  now: number,
  windowMs: number = THROTTLE_WINDOW_MS,
): { state: ThrottleState<P>; send: P | null } {
  if (state.pending === null || (state.lastSentAt !== null && now < state.lastSentAt + windowMs)) return { state, send: null };
  return { state: { lastSentAt: now, pending: null }, send: state.pending };
}

/** A throttle that has gone quiet can be forgotten: nothing pending and its window over. */
export function throttleIdle<P>(state: ThrottleState<P>, now: number, windowMs: number = THROTTLE_WINDOW_MS): boolean {
  return state.pending === null && (state.lastSentAt === null || now >= state.lastSentAt + windowMs);
}
