import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { SecretInfo } from '../../api/webhooks';
import { Modal } from '../../ui/dialog';
import { ErrorNotice, Notice } from '../../ui/feedback';
import { FormActions, SelectField } from '../../ui/form';
import { useWebhooksApi } from './queries';

const overlaps = [
  { value: '0', label: 'Retire it now (no overlap)' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours (default)' },
  { value: '604800', label: '7 days' },
];

export function RotateSecretDialog({
  webhookId,
  open,
  onClose,
  onRotated,
}: {
  webhookId: string;
  open: boolean;
  onClose: () => void;
  onRotated: (info: SecretInfo) => void;
}) {
  const { calls } = useWebhooksApi();
  const [overlap, setOverlap] = useState('86400');
  const rotate = useMutation({ mutationFn: () => calls.rotateSecret(webhookId, Number(overlap)), onSuccess: onRotated });

  function close() {
    rotate.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    rotate.mutate();
  }

  return (
    <Modal title="Rotate signing secret" open={open} onClose={close}>
      <form onSubmit={submit}>
        <p>Laurel creates a new secret. During the overlap the old secret keeps signing <code>webhook-signature</code> next to the new one.</p>
        <Notice kind="warning">
          <span>
            <code>X-Trophy-Signature</code> switches to the new secret at once. Receivers that check only that header fail until they have the new
            secret; their failed requests are retried.
          </span>
        </Notice>
        <SelectField label="Old secret keeps signing for" options={overlaps} value={overlap} onChange={(e) => setOverlap(e.target.value)} />
        {rotate.isError && <ErrorNotice error={rotate.error} title="Could not rotate the secret" />}
        <FormActions submitLabel="Rotate" pendingLabel="Rotating…" pending={rotate.isPending} onCancel={close} />
      </form>
    </Modal>
  );
}
