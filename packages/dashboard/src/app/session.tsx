import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ApiError, onUnauthorized } from '../api/client';
import { consoleApi, type Account, type ServerStatus } from '../api/console';
import { FullPageLoading, FullPageError } from '../ui/feedback';

interface SessionContextValue {
  account: Account;
  status: ServerStatus;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside RequireSession');
  return value;
}

/** Signs out (locally too when the server cannot be reached), forgets every cached answer and opens the sign-in page. */
export function useSignOut(): () => Promise<void> {
  const client = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    await consoleApi.logout().catch(() => undefined);
    client.clear();
    navigate('/login');
  };
}

export function useServerStatus() {
  return useQuery({ queryKey: ['status'], queryFn: consoleApi.status, staleTime: Infinity });
}

export function useSessionQuery() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      try {
        return await consoleApi.session();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: Infinity,
    retry: false,
  });
}

/** Renders its children only for a signed-in account; otherwise sends the browser to set-up or sign-in. */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const client = useQueryClient();
  const status = useServerStatus();
  const session = useSessionQuery();

  // A 401 anywhere (expired session, signed out in another tab) drops the cached session.
  useEffect(() => onUnauthorized(() => client.setQueryData(['session'], null)), [client]);

  if (status.isPending || session.isPending) return <FullPageLoading />;
  if (status.isError) return <FullPageError error={status.error} />;
  if (status.data.setupRequired) return <Navigate to="/setup" replace />;
  if (session.isError) return <FullPageError error={session.error} />;
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  if (session.data.account.mustChangePassword && location.pathname !== '/settings/account') {
    return <Navigate to="/settings/account" replace />;
  }
  return <SessionContext.Provider value={{ account: session.data.account, status: status.data }}>{children}</SessionContext.Provider>;
}
