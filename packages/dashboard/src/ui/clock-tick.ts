import { useSyncExternalStore } from 'react';

/** Often enough that "now" becomes "10 seconds ago" and minutes roll over while a page stays open. */
const TICK_MS = 10_000;

let tick = 0;
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

// One interval for the whole page, running only while something shows a relative time.
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    tick++;
    for (const notify of listeners) notify();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Re-renders the caller every few seconds, so text computed from Date.now() keeps up with the clock. */
export function useClockTick(): number {
  return useSyncExternalStore(subscribe, () => tick);
}
