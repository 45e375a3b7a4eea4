import { useState } from 'react';
import { Link } from 'react-router';
import type { Environment } from '../../api/console';
import { useEnvironments } from '../../app/environment';
import { ErrorNotice, Loading } from '../../ui/feedback';
import { PageHeader, RelativeTime } from '../../ui/misc';
import { ACTIONS_COLUMN, Table } from '../../ui/table';
import { CreateEnvironmentDialog, RenameEnvironmentDialog } from './EnvironmentDialogs';
import { EnvironmentKindBadge } from './EnvironmentKindBadge';

/** Every environment of the instance: separate webhooks, API keys and data under one sign-in. */
export default function EnvironmentsPage() {
  const environments = useEnvironments();
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Environment>();

  return (
    <>
      <PageHeader
        title="Environments"
        description="Each environment has its own webhooks, API keys, configuration and users. Use one per stage, so tests never reach live users."
        actions={
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            Add environment
          </button>
        }
      />
      {environments.isPending ? (
        <Loading what="environments" />
      ) : environments.isError ? (
        <ErrorNotice error={environments.error} title="Could not load the environments" onRetry={() => environments.refetch()} />
      ) : (
        <Table columns={['Name', 'Kind', 'ID', 'Created', ACTIONS_COLUMN]}>
          {environments.data.map((environment) => (
            <tr key={environment.id} data-testid="environment-row">
              <td>
                <Link className="cell-title row-link" to={`/env/${encodeURIComponent(environment.name)}/webhooks`}>
                  {environment.name}
                </Link>
              </td>
              <td>
                <EnvironmentKindBadge kind={environment.kind} />
              </td>
              <td className="mono muted small">{environment.id}</td>
              <td>
                <RelativeTime iso={environment.created} />
              </td>
              <td className="actions">
                <button type="button" className="button button-small" onClick={() => setRenaming(environment)}>
                  Rename
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <CreateEnvironmentDialog open={creating} onClose={() => setCreating(false)} />
      <RenameEnvironmentDialog environment={renaming} onClose={() => setRenaming(undefined)} />
    </>
  );
}
