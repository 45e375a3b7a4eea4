import type { User } from '../../../api/config';
import { Card } from '../../../ui/card';
import { Badge, RelativeTime } from '../../../ui/misc';

/** Who the user is, as your backend last identified them. */
export function ProfileCard({ user }: { user: User }) {
  const attributes = Object.entries(user.attributes);
  return (
    <Card title="Profile">
      <dl className="details">
        <dt>ID</dt>
        <dd className="mono">{user.id}</dd>
        <dt>Name</dt>
        <dd>{user.name ?? <span className="muted">—</span>}</dd>
        <dt>Email</dt>
        <dd>
          {user.email ?? <span className="muted">—</span>} <EmailSubscription user={user} />
        </dd>
        <dt>Time zone</dt>
        <dd>{user.tz ?? <span className="muted">UTC (none set)</span>}</dd>
        <dt>Device tokens</dt>
        <dd>{user.deviceTokens?.length ? user.deviceTokens.length : <span className="muted">none</span>}</dd>
        <dt>Created</dt>
        <dd>
          <RelativeTime iso={user.created} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <RelativeTime iso={user.updated} />
        </dd>
      </dl>
      <h3 className="card-subtitle">Attributes</h3>
      {attributes.length === 0 ? (
        <p className="muted">No attributes. Your backend sets them in user.attributes.</p>
      ) : (
        <dl className="details">
          {attributes.map(([key, value]) => (
            <div key={key} className="contents">
              <dt className="mono">{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}

/**
 * The API reports a user without an address as not subscribed (nothing can be sent to them); the
 * badge says which of the two reasons it is.
 */
function EmailSubscription({ user }: { user: User }) {
  if (user.subscribeToEmails) return <Badge tone="success">Subscribed</Badge>;
  return <Badge>{user.email ? 'Not subscribed' : 'Not subscribed (no email address)'}</Badge>;
}
