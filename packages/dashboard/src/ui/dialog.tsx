import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { ErrorNotice } from './feedback';

// showModal() makes the page inert for people, but role queries (and some assistive tech) still see it:
// while any modal is open the app root is aria-hidden, and dialogs live outside it, in <body>.
let openModals = 0;
function hideApp() {
  if (openModals++ === 0) document.getElementById('root')?.setAttribute('aria-hidden', 'true');
}
function showApp() {
  if (--openModals === 0) document.getElementById('root')?.removeAttribute('aria-hidden');
}

/** A modal on the native <dialog>: focus trap, Escape and the backdrop come from the browser. */
export function Modal({ title, open, onClose, children, wide }: { title: string; open: boolean; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  // Unique per dialog: a page holds several (edit, rotate, delete), and a fixed id would name them all after one title.
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    if (!dialog.open) dialog.showModal();
    // showModal() focuses the first focusable element, the close button; a form starts at its first field.
    dialog.querySelector<HTMLElement>('.modal-body :is(input, select, textarea):not([disabled], [readonly], [type="hidden"])')?.focus();
    hideApp();
    // Also runs when an open modal is unmounted. The app is shown first, so focus returns to a visible page.
    return () => {
      showApp();
      if (dialog.open) dialog.close();
    };
  }, [open]);
  return createPortal(
    <dialog ref={ref} className={`modal${wide ? ' modal-wide' : ''}`} onClose={onClose} aria-labelledby={titleId}>
      {open && (
        <>
          <header className="modal-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
          <div className="modal-body">{children}</div>
        </>
      )}
    </dialog>,
    document.body,
  );
}

/** The footer of a dialog that shows a result: one button that closes it. */
export function DoneActions({ onDone }: { onDone: () => void }) {
  return (
    <div className="form-actions">
      <button type="button" className="button button-primary" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={title} open={open} onClose={onCancel}>
      <div className="confirm-text">{children}</div>
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className={`button ${danger ? 'button-danger' : 'button-primary'}`} disabled={busy} onClick={onConfirm}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

/**
 * A delete confirmation that runs the call itself and keeps a refusal (an issue from the server) inside the dialog.
 * Shown only while something is being deleted, so a refusal is gone when it opens again.
 */
export function DeleteDialog({
  title,
  confirmLabel,
  errorTitle = 'Not deleted',
  children,
  remove,
  onClose,
}: {
  title: string;
  confirmLabel: string;
  errorTitle?: string;
  children: ReactNode;
  remove: () => Promise<unknown>;
  onClose: () => void;
}) {
  const mutation = useMutation({ mutationFn: remove, onSuccess: onClose });
  return (
    <ConfirmDialog open title={title} confirmLabel={confirmLabel} danger busy={mutation.isPending} onConfirm={() => mutation.mutate()} onCancel={onClose}>
      {children}
      {mutation.error && <ErrorNotice error={mutation.error} title={errorTitle} />}
    </ConfirmDialog>
  );
}
