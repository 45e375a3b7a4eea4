import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useSession, useSignOut } from '../../app/session';
import { AuthCard } from '../../ui/brand';
import { Card } from '../../ui/card';
import { Badge, PageHeader, RelativeTime } from '../../ui/misc';
import { ChangePasswordForm } from './ChangePasswordForm';

/** The signed-in account; with a one-time password, the screen that replaces it first. */
export default function AccountPage() {
  const { account } = useSession();
  return account.mustChangePassword ? <ForcedPasswordChange /> : <AccountSettings />;
}

function AccountSettings() {
  const { account } = useSession();
  return (
    <>
      <PageHeader title="Account" description="Your sign-in to this Laurel instance." />
      <div className="settings-stack">
        <Card title="Profile">
          <dl className="details">
            <dt>Email</dt>
            <dd>{account.email}</dd>
            <dt>Role</dt>
            <dd>{account.role === 'owner' ? <Badge tone="info">Owner</Badge> : <Badge>Member</Badge>}</dd>
            <dt>Last sign-in</dt>
            <dd>
              <RelativeTime iso={account.lastLogin} />
            </dd>
            <dt>Member since</dt>
            <dd>
              <RelativeTime iso={account.created} />
            </dd>
          </dl>
        </Card>
        <Card title="Change password">
          <ChangePasswordForm currentLabel="Current password" submitLabel="Change password" />
        </Card>
      </div>
    </>
  );
}

function ForcedPasswordChange() {
  const { account } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const signOut = useSignOut();

  return (
    <AuthCard
      title="Choose your password"
      subtitle={
        <>
          You signed in as <strong>{account.email}</strong> with a one-time password. Replace it with one only you know to open the dashboard.
        </>
      }
    >
      <ChangePasswordForm
        currentLabel="One-time password"
        submitLabel="Set password"
        onChanged={() => {
          // Everything was refused before the change, environments included: fetch again.
          void client.invalidateQueries();
          navigate('/', { replace: true });
        }}
      />
      <button type="button" className="button button-ghost button-block" onClick={signOut}>
        Sign out
      </button>
    </AuthCard>
  );
}
