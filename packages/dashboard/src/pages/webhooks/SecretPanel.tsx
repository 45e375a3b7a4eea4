import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { webhookKeys } from '../../api/webhooks';
import { Card } from '../../ui/card';
import { ErrorNotice, Notice, Spinner } from '../../ui/feedback';
import { CopyButton, RelativeTime } from '../../ui/misc';
import { useWebhooksApi } from './queries';
import { RotateSecretDialog } from './RotateSecretDialog';
import { VerifySnippet } from './VerifySnippet';

const MASK = 'whsec_' + '•'.repeat(24);

/** The signing secret: hidden until asked for, copyable without showing it, rotatable with an overlap. */
export function SecretPanel({ webhookId }: { webhookId: string }) {
  const { env, calls } = useWebhooksApi();
  const client = useQueryClient();
  const [revealed, setRevealed] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [rotated, setRotated] = useState(false);
  const secretQuery = { queryKey: webhookKeys.secret(env, webhookId), queryFn: () => calls.secret(webhookId) };
  // Fetched only once asked for, so opening the page never puts the secret on screen or in the cache.
  const secret = useQuery({ ...secretQuery, enabled: revealed, staleTime: 30_000 });

  return (
    <Card title="Signing secret" className="secret-panel">
      <p className="muted small">
        Every request carries <code>X-Trophy-Signature</code>: the base64 HMAC-SHA256 of the raw body, keyed with this secret.
      </p>
      <div className="secret-row">
        <code className={`secret${revealed ? '' : ' secret-masked'}`} data-testid="webhook-secret">
          {revealed ? (secret.data?.secret ?? (secret.isPending ? <Spinner label="Loading the secret" /> : MASK)) : MASK}
        </code>
      </div>
      <div className="row secret-actions">
        <button type="button" className="button button-small" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
          {revealed ? 'Hide secret' : 'Reveal secret'}
        </button>
        <CopyButton label="Copy secret" value={async () => (await client.fetchQuery({ ...secretQuery, staleTime: 30_000 })).secret} />
        <button type="button" className="button button-small" onClick={() => setRotating(true)}>
          Rotate secret
        </button>
      </div>
      {secret.isError && <ErrorNotice error={secret.error} title="Could not load the secret" onRetry={() => secret.refetch()} />}
      {rotated && (
        <Notice kind="success">
          <span>
            Secret rotated. Update <code>LAUREL_WEBHOOK_SECRET</code> in your receiver now: <code>X-Trophy-Signature</code> already uses the new secret.
          </span>
        </Notice>
      )}
      {revealed && secret.data && secret.data.previousSecrets.length > 0 && (
        <div className="previous-secrets">
          <h3 className="subheading">Previous secrets, still signing webhook-signature</h3>
          <ul>
            {secret.data.previousSecrets.map((previous) => (
              <li key={previous.secret}>
                <code className="secret secret-small">{previous.secret}</code>
                <span className="muted small">
                  expires <RelativeTime iso={previous.expires} />
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <details className="verify">
        <summary>How to verify a request</summary>
        <VerifySnippet />
      </details>
      <RotateSecretDialog
        webhookId={webhookId}
        open={rotating}
        onClose={() => setRotating(false)}
        onRotated={(info) => {
          client.setQueryData(webhookKeys.secret(env, webhookId), info);
          setRevealed(true);
          setRotated(true);
          setRotating(false);
        }}
      />
    </Card>
  );
}
