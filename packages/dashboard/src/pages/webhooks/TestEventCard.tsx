import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Webhook } from '../../api/webhooks';
import { Card } from '../../ui/card';
import { ErrorNotice, Notice } from '../../ui/feedback';
import { Field } from '../../ui/form';
import { JsonBlock } from '../../ui/misc';
import { EventTypeOptions } from './EventTypeOptions';
import { useDeliveriesChanged, useEventTypes, useWebhooksApi } from './queries';

/** Sends a sample event through the real path (signed, retried, logged); the result shows up in the log below. */
export function TestEventCard({ webhook, onSent }: { webhook: Webhook; onSent: (deliveryId: string) => void }) {
  const { calls } = useWebhooksApi();
  const deliveriesChanged = useDeliveriesChanged(webhook.id);
  const eventTypes = useEventTypes();
  // Any type can be tested, subscribed or not; the first subscribed one is the likeliest choice.
  const [type, setType] = useState(webhook.events[0] ?? 'achievement.completed');
  const send = useMutation({
    mutationFn: () => calls.sendTest(webhook.id, type),
    onSuccess: (delivery) => {
      deliveriesChanged(delivery);
      onSent(delivery.id);
    },
  });
  const sample = eventTypes.data?.find((e) => e.type === type)?.sample;

  function submit(event: FormEvent) {
    event.preventDefault();
    send.mutate();
  }

  return (
    <Card title="Send test event" className="test-card">
      <p className="muted small">A realistic sample goes through the real path: signed, retried on failure, and logged below.</p>
      <form onSubmit={submit} className="test-form">
        <Field label="Event type" hint={webhook.events.includes(type) ? undefined : 'Not subscribed, but a test event is sent anyway.'}>
          {(a11y) => (
            <select className="input" {...a11y} value={type} onChange={(e) => setType(e.target.value)} disabled={eventTypes.isPending}>
              {eventTypes.data ? <EventTypeOptions eventTypes={eventTypes.data} /> : <option value={type}>{type}</option>}
            </select>
          )}
        </Field>
        <button type="submit" className="button button-primary" disabled={send.isPending || !webhook.enabled}>
          {send.isPending ? 'Sending…' : 'Send test event'}
        </button>
      </form>
      {!webhook.enabled && <p className="muted small">Enable the webhook to send test events.</p>}
      {send.isError && <ErrorNotice error={send.error} title="Could not send the test event" />}
      {send.isSuccess && (
        <Notice kind="success">
          <span>
            Queued <code>{send.data.eventType}</code> as delivery <code>{send.data.id}</code>. Follow it in the log below.
          </span>
        </Notice>
      )}
      {sample !== undefined && (
        <details className="sample">
          <summary>Sample payload</summary>
          <JsonBlock value={sample} />
        </details>
      )}
    </Card>
  );
}
