import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { firstIssue } from '../../api/client';
import { webhookKeys, type Webhook, type WebhookInput } from '../../api/webhooks';
import { useEnvironment } from '../../app/environment';
import { DeleteDialog, Modal } from '../../ui/dialog';
import { ErrorNotice } from '../../ui/feedback';
import { useWebhooksApi } from './queries';
import { WebhookForm } from './WebhookForm';

/** Edit, enable/disable and delete: the header buttons of a webhook's page. */
export function WebhookActions({ webhook }: { webhook: Webhook }) {
  const { env, calls } = useWebhooksApi();
  const { envPath } = useEnvironment();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  async function update(changes: Partial<WebhookInput> & { enabled?: boolean }) {
    const answer = await calls.update(webhook.id, changes);
    const updated = answer.updated[0];
    if (!updated) throw new Error(firstIssue(answer.issues) ?? 'The webhook was not updated.');
    client.setQueryData(webhookKeys.one(env, webhook.id), updated);
    void client.invalidateQueries({ queryKey: webhookKeys.all(env) });
  }

  async function remove() {
    const answer = await calls.remove(webhook.id);
    if (answer.deleted.length === 0) throw new Error(firstIssue(answer.issues) ?? 'The webhook was not deleted.');
    navigate(envPath('webhooks'));
    client.removeQueries({ queryKey: webhookKeys.one(env, webhook.id) });
    client.removeQueries({ queryKey: webhookKeys.deliveries(env, webhook.id) });
    void client.invalidateQueries({ queryKey: webhookKeys.all(env) });
  }

  const toggle = useMutation({ mutationFn: () => update({ enabled: !webhook.enabled }) });

  return (
    <>
      <button type="button" className="button" onClick={() => setEditing(true)}>
        Edit
      </button>
      <button type="button" className="button" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
        {webhook.enabled ? 'Disable' : 'Enable'}
      </button>
      <button type="button" className="button button-danger-outline" onClick={() => setDeleting(true)}>
        Delete webhook
      </button>
      {toggle.isError && (
        <div className="header-error">
          <ErrorNotice error={toggle.error} title={webhook.enabled ? 'Could not disable' : 'Could not enable'} />
        </div>
      )}
      <Modal title="Edit webhook" open={editing} onClose={() => setEditing(false)} wide>
        <WebhookForm
          initial={webhook}
          submitLabel="Save changes"
          onCancel={() => setEditing(false)}
          onSubmit={async (input) => {
            const changes = changedFields(webhook, input);
            if (Object.keys(changes).length > 0) await update(changes);
            setEditing(false);
          }}
        />
      </Modal>
      {deleting && (
        <DeleteDialog title="Delete webhook" confirmLabel="Delete" errorTitle="Could not delete the webhook" onClose={() => setDeleting(false)} remove={remove}>
          <p>
            Delete <strong>{webhook.name}</strong>? It stops receiving events at once, and its secret and delivery log are deleted with it. This cannot
            be undone.
          </p>
        </DeleteDialog>
      )}
    </>
  );
}

/** PATCH writes only what is sent, so send only what changed (and nothing else can be overwritten by a stale form). */
function changedFields(before: Webhook, after: WebhookInput): Partial<WebhookInput> {
  const changes: Partial<WebhookInput> = {};
  if (after.name !== before.name) changes.name = after.name;
  if (after.url !== before.url) changes.url = after.url;
  if (after.events.join() !== before.events.join()) changes.events = after.events;
  if (after.timeoutMs !== before.timeoutMs) changes.timeoutMs = after.timeoutMs;
  return changes;
}
