import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useEnvironment } from '../../app/environment';
import { EmptyState, ErrorNotice, Loading } from '../../ui/feedback';
import { CopyButton, PageHeader } from '../../ui/misc';
import { configKeys, useConfigApi } from './queries';
import { ProfileCard } from './users/ProfileCard';
import { UserAchievements } from './users/UserAchievements';
import { UserEvents } from './users/UserEvents';
import { UserLeaderboards } from './users/UserLeaderboards';
import { UserMetrics } from './users/UserMetrics';
import { UserPoints } from './users/UserPoints';
import { UserStreak } from './users/UserStreak';

export default function UserDetailPage() {
  const { id = '' } = useParams();
  const { env, calls } = useConfigApi();
  const { envPath } = useEnvironment();
  const user = useQuery({ queryKey: configKeys.user(env, id), queryFn: () => calls.users.get(id) });
  const back = (
    <Link to={envPath('users')} className="back-link">
      ← Users
    </Link>
  );

  if (user.isPending) return <Loading what="user" />;
  if (user.isError) {
    if (user.error instanceof ApiError && user.error.status === 404) {
      return (
        <>
          {back}
          <EmptyState title="User not found" action={<Link to={envPath('users')}>Search users</Link>}>
            No user <code>{id}</code> in this environment. User ids are per environment: the user may live in another one.
          </EmptyState>
        </>
      );
    }
    return (
      <>
        {back}
        <ErrorNotice error={user.error} title="Could not load the user" onRetry={() => user.refetch()} />
      </>
    );
  }

  return (
    <>
      {back}
      <PageHeader
        title={user.data.name ?? user.data.id}
        description={
          <>
            <span className="mono">{user.data.id}</span>
            {user.data.email && <> · {user.data.email}</>}
          </>
        }
        actions={<CopyButton value={user.data.id} label="Copy user ID" />}
      />
      <div className="grid-2 align-start">
        <ProfileCard user={user.data} />
        <UserStreak userId={id} />
      </div>
      <div className="stack">
        <UserMetrics userId={id} />
        <UserPoints userId={id} />
        <UserLeaderboards userId={id} />
        <UserAchievements userId={id} />
        <UserEvents userId={id} />
      </div>
    </>
  );
}
