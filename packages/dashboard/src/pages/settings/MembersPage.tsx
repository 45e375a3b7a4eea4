import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { consoleApi, type Account } from '../../api/console';
import { useSession } from '../../app/session';
import { DeleteDialog } from '../../ui/dialog';
import { ErrorNotice, Loading, Notice } from '../../ui/feedback';
import { Badge, PageHeader, RelativeTime } from '../../ui/misc';
import { ACTIONS_COLUMN, Table } from '../../ui/table';
import { AddMemberDialog } from './AddMemberDialog';

/** Who can sign in. Everyone sees the list; the owner adds and removes members. */
export default function MembersPage() {
  const { account } = useSession();
  const owner = account.role === 'owner';
  const client = useQueryClient();
  const members = useQuery({ queryKey: ['members'], queryFn: consoleApi.members });
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Account>();

  return (
    <>
      <PageHeader
        title="Members"
        description="Everyone here signs in to this dashboard and can change every environment."
        actions={
          owner && (
            <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
              Add member
            </button>
          )
        }
      />
      {!owner && <Notice>Only the owner adds and removes members.</Notice>}
      {members.isPending ? (
        <Loading what="members" />
      ) : members.isError ? (
        <ErrorNotice error={members.error} title="Could not load the members" onRetry={() => members.refetch()} />
      ) : (
        <Table columns={['Email', 'Role', 'Last sign-in', 'Added', owner && ACTIONS_COLUMN]}>
          {members.data.map((member) => (
            <tr key={member.id} data-testid="member-row">
              <td>
                <span className="cell-title">{member.email}</span>
                {member.id === account.id && <span className="muted"> (you)</span>}
              </td>
              <td>
                <span className="row">
                  {member.role === 'owner' ? <Badge tone="info">Owner</Badge> : <Badge>Member</Badge>}
                  {member.mustChangePassword && <Badge tone="warning">Awaiting first sign-in</Badge>}
                </span>
              </td>
              <td>
                <RelativeTime iso={member.lastLogin} />
              </td>
              <td>
                <RelativeTime iso={member.created} />
              </td>
              {owner && (
                <td className="actions">
                  {member.role !== 'owner' && (
                    <button type="button" className="button button-small button-danger-outline" onClick={() => setRemoving(member)}>
                      Remove
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      <AddMemberDialog open={adding} onClose={() => setAdding(false)} />
      {removing && (
        <DeleteDialog
          title="Remove member"
          confirmLabel="Remove member"
          errorTitle="Could not remove the member"
          onClose={() => setRemoving(undefined)}
          remove={async () => {
            await consoleApi.removeMember(removing.id);
            void client.invalidateQueries({ queryKey: ['members'] });
          }}
        >
          <p>
            Remove <strong>{removing.email}</strong>? They are signed out everywhere at once and can no longer sign in.
          </p>
        </DeleteDialog>
      )}
    </>
  );
}
