import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { consoleApi, type Account } from '../../api/console';
import { useSession } from '../../app/session';
import { ConfirmDialog } from '../../ui/dialog';
import { ErrorNotice, Loading, Notice } from '../../ui/feedback';
import { Badge, PageHeader, RelativeTime } from '../../ui/misc';
import { AddMemberDialog } from './AddMemberDialog';

/** Who can sign in. Everyone sees the list; the owner adds and removes members. */
export default function MembersPage() {
  const { account } = useSession();
  const owner = account.role === 'owner';
  const client = useQueryClient();
  const members = useQuery({ queryKey: ['members'], queryFn: consoleApi.members });
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Account>();
  const remove = useMutation({
    mutationFn: (id: string) => consoleApi.removeMember(id),
    onSuccess: () => {
      setRemoving(undefined);
      void client.invalidateQueries({ queryKey: ['members'] });
    },
  });

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
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Added</th>
                {owner && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      )}
      <AddMemberDialog open={adding} onClose={() => setAdding(false)} />
      <ConfirmDialog
        open={removing !== undefined}
        title="Remove member"
        confirmLabel="Remove member"
        danger
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing.id)}
        onCancel={() => {
          setRemoving(undefined);
          remove.reset();
        }}
      >
        <p>
          Remove <strong>{removing?.email}</strong>? They are signed out everywhere at once and can no longer sign in.
        </p>
        {remove.isError && <ErrorNotice error={remove.error} title="Could not remove the member" />}
      </ConfirmDialog>
    </>
  );
}
