import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { API_KEY_PAGE_SIZE, apiKeyKeys, type ApiKey } from '../../api/api-keys';
import { DeleteDialog } from '../../ui/dialog';
import { EmptyState, ErrorNotice, errorMessage, Loading } from '../../ui/feedback';
import { Badge, PageHeader, Pagination, RelativeTime } from '../../ui/misc';
import { ACTIONS_COLUMN, Table } from '../../ui/table';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';
import { useApiKeysApi } from './queries';

/** The environment's server-side keys: create (shown once), revoke, re-activate, delete. */
export default function ApiKeysPage() {
  const { env, environment, calls } = useApiKeysApi();
  const [page, setPage] = useState(0);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ApiKey>();
  const client = useQueryClient();
  const keys = useQuery({ queryKey: apiKeyKeys.list(env, page), queryFn: () => calls.list(page) });
  const empty = keys.data?.length === 0 && page === 0;

  const create = (
    <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
      Add API key
    </button>
  );

  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys for your backend to call Laurel’s Admin and Application APIs in <strong>{environment.name}</strong>, sent as <code>X-API-KEY</code>.
            Keep them on the server, never in a browser or app.
          </>
        }
        actions={empty ? undefined : create}
      />
      {keys.isPending ? (
        <Loading what="API keys" />
      ) : keys.isError ? (
        <ErrorNotice error={keys.error} title="Could not load the API keys" onRetry={() => keys.refetch()} />
      ) : empty ? (
        <EmptyState title="No API keys yet" action={create}>
          Create a key for each service that talks to Laurel, so you can revoke one without touching the others.
        </EmptyState>
      ) : (
        <>
          <Table columns={['Name', 'Key', 'Created', 'Last used', 'State', ACTIONS_COLUMN]}>
            {keys.data.map((key) => (
              <KeyRow key={key.id} apiKey={key} onDelete={() => setDeleting(key)} />
            ))}
          </Table>
          <Pagination page={page} hasMore={keys.data.length === API_KEY_PAGE_SIZE} onPage={setPage} />
        </>
      )}
      <CreateApiKeyDialog open={creating} onClose={() => setCreating(false)} />
      {deleting && (
        <DeleteDialog
          title="Delete API key"
          confirmLabel="Delete"
          errorTitle="Could not delete the key"
          onClose={() => setDeleting(undefined)}
          remove={async () => {
            await calls.remove(deleting.id);
            void client.invalidateQueries({ queryKey: apiKeyKeys.all(env) });
          }}
        >
          <p>
            Delete <strong>{deleting.name}</strong> (<code>{deleting.prefix}</code>)? Requests with this key are refused at once, and it cannot be
            re-activated. To stop it only for a while, revoke it instead.
          </p>
        </DeleteDialog>
      )}
    </>
  );
}

function KeyRow({ apiKey, onDelete }: { apiKey: ApiKey; onDelete: () => void }) {
  const { env, calls } = useApiKeysApi();
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: () => calls.setRevoked(apiKey.id, !apiKey.revoked),
    onSuccess: () => client.invalidateQueries({ queryKey: apiKeyKeys.all(env) }),
  });
  return (
    <tr data-testid="api-key-row" data-revoked={apiKey.revoked}>
      <td className="cell-title">{apiKey.name}</td>
      <td>
        <code className="chip">{apiKey.prefix}.••••••••</code>
      </td>
      <td>
        <RelativeTime iso={apiKey.created} />
      </td>
      <td>
        <RelativeTime iso={apiKey.lastUsed} />
      </td>
      <td>{apiKey.revoked ? <Badge tone="danger">Revoked</Badge> : <Badge tone="success">Active</Badge>}</td>
      <td className="actions">
        <div className="row row-end">
          <button type="button" className="button button-small" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
            {apiKey.revoked ? 'Re-activate' : 'Revoke'}
          </button>
          <button type="button" className="button button-small button-danger-outline" onClick={onDelete}>
            Delete
          </button>
        </div>
        {toggle.isError && (
          <div className="field-error" role="alert">
            {errorMessage(toggle.error)}
          </div>
        )}
      </td>
    </tr>
  );
}
