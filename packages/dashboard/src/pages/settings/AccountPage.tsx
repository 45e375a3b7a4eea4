import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { consoleApi } from '../../api/console';
import { useSession } from '../../app/session';
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
        <section className="card" aria-labelledby="account-heading">
          <h2 id="account-heading" className="card-title">
            Profile
          </h2>
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
        </section>
        <section className="card" aria-labelledby="password-heading">
          <h2 id="password-heading" className="card-title">
            Change password
          </h2>
          <ChangePasswordForm currentLabel="Current password" submitLabel="Change password" />
        </section>
      </div>
    </>
  );
}

function ForcedPasswordChange() {
  const { account } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();

  async function signOut() {
    await consoleApi.logout().catch(() => undefined);
    client.clear();
    navigate('/login');
  }

  return (
    <div className="auth-card">
      <div className="brand brand-large">
        <span className="brand-mark" aria-hidden="true">
          ❦
        </span>{' '}
        Laurel
      </div>
      <h1>Choose your password</h1>
      <p className="muted">
        You signed in as <strong>{account.email}</strong> with a one-time password. Replace it with one only you know to open the dashboard.
      </p>
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
    </div>
  );
}
