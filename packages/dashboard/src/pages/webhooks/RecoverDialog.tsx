import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Webhook } from '../../api/webhooks';
import { DoneActions, Modal } from '../../ui/dialog';
import { ErrorNotice, Notice } from '../../ui/feedback';
import { useFocusFirstError } from '../../ui/focus-first-error';
import { clearOnEdit, FormActions, SelectField, TextField } from '../../ui/form';
import { placeErrors } from '../../ui/server-errors';
import { useDeliveriesChanged, useWebhooksApi } from './queries';

const HOUR = 3_600_000;
const ranges = [
  { value: '1', label: 'Last hour' },
  { value: '24', label: 'Last 24 hours' },
  { value: '168', label: 'Last 7 days' },
  { value: 'custom', label: 'Custom range' },
];

/** datetime-local speaks the browser's local time without a zone; the API wants an instant. */
function toIso(local: string): string | undefined {
  const time = new Date(local).getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Resends every failed delivery created in a window, e.g. after the receiver was down. */
export function RecoverDialog({ webhook, open, onClose }: { webhook: Webhook; open: boolean; onClose: () => void }) {
  const { calls } = useWebhooksApi();
  const deliveriesChanged = useDeliveriesChanged(webhook.id);
  const [range, setRange] = useState('24');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [problems, setProblems] = useState<{ since?: string; until?: string }>({});
  const recover = useMutation({
    mutationFn: ({ from, to }: { from: string; to?: string | undefined }) => calls.recover(webhook.id, from, to),
    onSuccess: () => deliveriesChanged(),
  });
  const serverErrors = recover.error ? placeErrors(recover.error, ['since', 'until'] as const) : undefined;
  const { ref, failed } = useFocusFirstError(recover.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    setProblems({});
    if (range !== 'custom') return recover.mutate({ from: new Date(Date.now() - Number(range) * HOUR).toISOString() });
    const from = toIso(since);
    const to = until ? toIso(until) : undefined;
    if (!from) {
      setProblems({ since: 'Since is required: choose when the window starts.' });
      return failed();
    }
    if (to && to <= from) {
      setProblems({ until: 'Choose an end after the start.' });
      return failed();
    }
    recover.mutate({ from, to });
  }

  function close() {
    setProblems({});
    recover.reset();
    onClose();
  }

  return (
    <Modal title="Recover failed deliveries" open={open} onClose={close}>
      {recover.isSuccess ? (
        <>
          <Notice kind="success">
            {recover.data.recovered === 0
              ? 'No failed deliveries in that window: nothing to resend.'
              : `Queued ${recover.data.recovered} failed ${recover.data.recovered === 1 ? 'delivery' : 'deliveries'} for resending. Watch them in the log.`}
          </Notice>
          <DoneActions onDone={close} />
        </>
      ) : (
        <form ref={ref} onSubmit={submit} onChange={clearOnEdit(recover)} noValidate>
          <p>Each failed delivery created in the window gets one immediate manual attempt. Manual attempts are not retried if they fail.</p>
          {!webhook.enabled && <Notice kind="warning">The webhook is disabled: enable it first, or the server refuses.</Notice>}
          <SelectField label="Window" options={ranges} value={range} onChange={(e) => setRange(e.target.value)} />
          {range === 'custom' && (
            <div className="grid-2">
              <TextField label="Since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} error={problems.since ?? serverErrors?.fields.since} />
              <TextField label="Until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} error={problems.until ?? serverErrors?.fields.until} hint="Blank means now." />
            </div>
          )}
          {serverErrors?.form && <ErrorNotice error={serverErrors.form} title="Could not recover the deliveries" />}
          <FormActions submitLabel="Resend failed deliveries" pendingLabel="Queueing…" pending={recover.isPending} onCancel={close} />
        </form>
      )}
    </Modal>
  );
}
