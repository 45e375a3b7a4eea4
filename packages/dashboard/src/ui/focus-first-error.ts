import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

// In document order: the first field marked invalid, or a message that belongs to no field.
const FIRST_ERROR = '[aria-invalid="true"], .field-invalid :is(input, select, textarea), [role="alert"]';

/**
 * After a failed submit, takes the keyboard and the scroll to the first error, so a message below
 * the fold (or below a long dialog) is never missed. Call `failed()` when the form's own checks
 * fail; a new `serverError` (a mutation's error) does the same once its messages are on screen.
 */
export function useFocusFirstError<T extends HTMLElement = HTMLFormElement>(serverError?: unknown): { ref: RefObject<T | null>; failed: () => void } {
  const ref = useRef<T>(null);
  const [attempt, setAttempt] = useState(0);
  // Two effects, so clearing the server's error (the form was edited) never moves the focus.
  useEffect(() => {
    if (attempt > 0) focusFirstError(ref.current);
  }, [attempt]);
  useEffect(() => {
    if (serverError) focusFirstError(ref.current);
  }, [serverError]);
  return { ref, failed: useCallback(() => setAttempt((count) => count + 1), []) };
}

function focusFirstError(root: HTMLElement | null): void {
  const target = root?.querySelector<HTMLElement>(FIRST_ERROR);
  if (!target) return;
  // A notice is not focusable by itself; -1 lets a script (and so the screen reader) land on it.
  if (!target.matches('input, select, textarea, button')) target.tabIndex = -1;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: 'center' });
}
