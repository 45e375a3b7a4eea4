import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from './api/client';
import { defaultEnvironment, EnvironmentScope, useEnvironments } from './app/environment';
import { RequireSession } from './app/session';
import { Shell } from './app/Shell';
import { LoginPage, SetupPage } from './pages/auth/AuthPages';
import { EmptyState, FullPageLoading } from './ui/feedback';

// One chunk per area: opening the delivery log never downloads the configuration editors, and back.
const WebhooksPage = lazy(() => import('./pages/webhooks/WebhooksPage'));
const WebhookDetailPage = lazy(() => import('./pages/webhooks/WebhookDetailPage'));
const ApiKeysPage = lazy(() => import('./pages/api-keys/ApiKeysPage'));
const MetricsPage = lazy(() => import('./pages/config/MetricsPage'));
const AttributesPage = lazy(() => import('./pages/config/AttributesPage'));
const AchievementsPage = lazy(() => import('./pages/config/AchievementsPage'));
const StreaksPage = lazy(() => import('./pages/config/StreaksPage'));
const UsersPage = lazy(() => import('./pages/config/UsersPage'));
const UserDetailPage = lazy(() => import('./pages/config/UserDetailPage'));
const EnvironmentsPage = lazy(() => import('./pages/settings/EnvironmentsPage'));
const MembersPage = lazy(() => import('./pages/settings/MembersPage'));
const AccountPage = lazy(() => import('./pages/settings/AccountPage'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Client mistakes (4xx) will not fix themselves by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route path="/setup" element={<SetupPage />} />
          <Route path="/login" element={<LoginPage />} />
          <Route
            element={
              <RequireSession>
                <Shell />
              </RequireSession>
            }
          >
            <Route path="/settings/environments" element={<EnvironmentsPage />} />
            <Route path="/settings/members" element={<MembersPage />} />
            <Route path="/settings/account" element={<AccountPage />} />
          </Route>
          <Route
            path="/env/:env"
            element={
              <RequireSession>
                <EnvironmentScope>
                  <Shell />
                </EnvironmentScope>
              </RequireSession>
            }
          >
            <Route index element={<Navigate to="webhooks" replace />} />
            <Route path="webhooks" element={<WebhooksPage />} />
            <Route path="webhooks/:id" element={<WebhookDetailPage />} />
            <Route path="api-keys" element={<ApiKeysPage />} />
            <Route path="metrics" element={<MetricsPage />} />
            <Route path="attributes" element={<AttributesPage />} />
            <Route path="achievements" element={<AchievementsPage />} />
            <Route path="streaks" element={<StreaksPage />} />
            <Route path="users" element={<UsersPage />} />
            <Route path="users/:id" element={<UserDetailPage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
          <Route
            path="/"
            element={
              <RequireSession>
                <Home />
              </RequireSession>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}

function Home() {
  const environments = useEnvironments();
  if (environments.isPending) return <FullPageLoading />;
  const environment = environments.data && defaultEnvironment(environments.data);
  return environment ? <Navigate to={`/env/${encodeURIComponent(environment.name)}/webhooks`} replace /> : <NotFound />;
}

function NotFound() {
  return (
    <div className="full-page">
      <EmptyState title="Page not found" action={<a href="/">Go to the dashboard</a>}>
        This address does not match any page.
      </EmptyState>
    </div>
  );
}
