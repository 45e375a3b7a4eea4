import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ConfirmDialog } from '../../ui/dialog';
import { ErrorNotice } from '../../ui/feedback';

/** A delete confirmation that runs the call itself and keeps a refusal (an issue from the server) inside the dialog. */
export function DeleteDialog({
  title,
  confirmLabel,
  children,
  remove,
  onClose,
}: {
  title: string;
  confirmLabel: string;
  children: ReactNode;
  remove: () => Promise<unknown>;
  onClose: () => void;
}) {
  const mutation = useMutation({ mutationFn: remove, onSuccess: onClose });
  return (
    <ConfirmDialog open title={title} confirmLabel={confirmLabel} danger busy={mutation.isPending} onConfirm={() => mutation.mutate()} onCancel={onClose}>
      {children}
      {mutation.error && <ErrorNotice error={mutation.error} title="Not deleted" />}
    </ConfirmDialog>
  );
}
