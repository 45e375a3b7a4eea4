import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { firstIssue } from '../../api/client';
import { webhookKeys, type Webhook } from '../../api/webhooks';
import { useEnvironment } from '../../app/environment';
import { Modal } from '../../ui/dialog';
import { Notice } from '../../ui/feedback';
import { SecretValue } from '../../ui/misc';
import { useWebhooksApi } from './queries';
import { VerifySnippet } from './VerifySnippet';
import { WebhookForm } from './WebhookForm';

const blank = { name: '', url: '', events: [], timeoutMs: null };

/** Create, then show the signing secret right away: the moment the receiver needs it. */
export function CreateWebhookDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { env, calls } = useWebhooksApi();
  const { envPath } = useEnvironment();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [created, setCreated] = useState<Webhook & { secret: string }>();

  function close() {
    setCreated(undefined);
    onClose();
  }

  return (
    <Modal title={created ? 'Webhook created' : 'Create webhook'} open={open} onClose={close} wide>
      {created ? (
        <>
          <Notice kind="success">
            <span>
              <strong>{created.name}</strong> now receives {created.events.length === 1 ? 'one event type' : `${created.events.length} event types`} at{' '}
              <code>{created.url}</code>.
            </span>
          </Notice>
          <h3 className="subheading">Signing secret</h3>
          <p className="muted">Put it in your receiver’s environment (e.g. <code>LAUREL_WEBHOOK_SECRET</code>) to verify that requests come from Laurel.</p>
          <SecretValue label="Signing secret" value={created.secret} copyLabel="Copy secret" />
          <VerifySnippet />
          <div className="form-actions">
            <button type="button" className="button" onClick={close}>
              Close
            </button>
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                close();
                navigate(envPath(`webhooks/${created.id}`));
              }}
            >
              Open webhook
            </button>
          </div>
        </>
      ) : (
        <WebhookForm
          initial={blank}
          submitLabel="Create webhook"
          onCancel={close}
          onSubmit={async (input) => {
            const answer = await calls.create(input);
            const webhook = answer.created[0];
            if (!webhook) throw new Error(firstIssue(answer.issues) ?? 'The server created no webhook.');
            await client.invalidateQueries({ queryKey: webhookKeys.all(env) });
            setCreated(webhook);
          }}
        />
      )}
    </Modal>
  );
}
