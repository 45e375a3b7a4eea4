import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { User } from '../../api/config';
import { useEnvironment } from '../../app/environment';
import { EmptyState, ErrorNotice, Loading, Spinner } from '../../ui/feedback';
import { PageHeader, Pagination, RelativeTime } from '../../ui/misc';
import { Table } from '../../ui/table';
import { configKeys, useConfigApi } from './queries';

const PAGE_SIZE = 25;
const SEARCH_DELAY_MS = 250;

export default function UsersPage() {
  const { env, calls } = useConfigApi();
  const { envPath } = useEnvironment();
  // The search and page live in the URL, so a result can be linked and Back returns to it.
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const page = Math.max(0, Number(params.get('page')) || 0);
  const [typed, setTyped] = useState(search);
  const typedRef = useRef(typed);
  typedRef.current = typed;

  // Back and Forward change the URL: the box follows, unless it already says the same.
  useEffect(() => {
    if (typedRef.current.trim() !== search) setTyped(search);
  }, [search]);

  useEffect(() => {
    if (typed.trim() === search) return;
    const timer = setTimeout(() => setParams(typed.trim() ? { q: typed.trim() } : {}, { replace: true }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed, search, setParams]);

  // One more than a page tells whether there is a next page.
  const users = useQuery({
    queryKey: [...configKeys.users(env), 'list', search, page],
    queryFn: () => calls.users.search(search, PAGE_SIZE + 1, page * PAGE_SIZE),
    placeholderData: keepPreviousData,
  });
  const rows = users.data?.slice(0, PAGE_SIZE) ?? [];

  return (
    <>
      <PageHeader title="Users" description="Everyone your backend has identified or sent events for in this environment, newest first." />
      <div className="filters" role="search">
        <div className="field field-grow">
          <label htmlFor="user-search">Search users</label>
          <input
            id="user-search"
            className="input"
            type="search"
            placeholder="User id prefix or email"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        {users.isFetching && !users.isPending && <Spinner label="Searching" />}
      </div>
      {users.isPending ? (
        <Loading what="users" />
      ) : users.isError ? (
        <ErrorNotice error={users.error} title="Could not load users" onRetry={() => users.refetch()} />
      ) : rows.length === 0 ? (
        search ? (
          <EmptyState title="No users match">
            Nobody's id starts with <code>{search}</code> and no email contains it.
          </EmptyState>
        ) : page > 0 ? (
          <EmptyState title="No more users" action={<Link to="?">Back to the first page</Link>} />
        ) : (
          <EmptyState title="No users yet">
            Users appear here when your backend sends their first metric event (<code>POST /v1/metrics/&#123;key&#125;/event</code>) or
            identifies them (<code>PUT /v1/users/&#123;id&#125;</code>).
          </EmptyState>
        )
      ) : (
        <>
          <Table columns={['User', 'Email', 'Attributes', 'Created', 'Updated']}>
            {rows.map((user) => (
              <UserRow key={user.id} user={user} href={envPath(`users/${encodeURIComponent(user.id)}`)} />
            ))}
          </Table>
          <Pagination
            page={page}
            hasMore={(users.data?.length ?? 0) > PAGE_SIZE}
            onPage={(next) => setParams({ ...(search ? { q: search } : {}), ...(next > 0 ? { page: String(next) } : {}) })}
          />
        </>
      )}
    </>
  );
}

function UserRow({ user, href }: { user: User; href: string }) {
  const attributes = Object.entries(user.attributes);
  return (
    <tr>
      <td>
        <Link to={href} className="cell-title">
          {user.name ?? user.id}
        </Link>
        {user.name && <div className="cell-sub mono">{user.id}</div>}
      </td>
      <td>{user.email ?? <span className="muted">—</span>}</td>
      <td>
        {attributes.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <div className="filter-chips">
            {attributes.slice(0, 4).map(([key, value]) => (
              <code key={key} className="chip">
                {key} = {value}
              </code>
            ))}
            {attributes.length > 4 && <span className="muted small">+{attributes.length - 4} more</span>}
          </div>
        )}
      </td>
      <td>
        <RelativeTime iso={user.created} />
      </td>
      <td>
        <RelativeTime iso={user.updated} />
      </td>
    </tr>
  );
}
