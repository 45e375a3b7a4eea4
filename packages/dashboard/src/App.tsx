import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement, lazy, type ComponentType } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from './api/client';
import { defaultEnvironment, EnvironmentScope, useEnvironments } from './app/environment';
import { RequireSession } from './app/session';
import { Shell } from './app/Shell';
import { LoginPage, SetupPage } from './pages/auth/AuthPages';
import { EmptyState, FullPageLoading } from './ui/feedback';

// One chunk per area: opening the delivery log never downloads the configuration editors, and back.
const pages = {
  webhooks: lazyPage(() => import('./pages/webhooks/WebhooksPage')),
  webhook: lazyPage(() => import('./pages/webhooks/WebhookDetailPage')),
  'api-keys': lazyPage(() => import('./pages/api-keys/ApiKeysPage')),
  metrics: lazyPage(() => import('./pages/config/MetricsPage')),
  attributes: lazyPage(() => import('./pages/config/AttributesPage')),
  achievements: lazyPage(() => import('./pages/config/AchievementsPage')),
  streaks: lazyPage(() => import('./pages/config/StreaksPage')),
  points: lazyPage(() => import('./pages/config/PointsPage')),
  'points-system': lazyPage(() => import('./pages/config/PointsSystemPage')),
  leaderboards: lazyPage(() => import('./pages/config/LeaderboardsPage')),
  leaderboard: lazyPage(() => import('./pages/config/LeaderboardPage')),
  users: lazyPage(() => import('./pages/config/UsersPage')),
  user: lazyPage(() => import('./pages/config/UserDetailPage')),
  environments: lazyPage(() => import('./pages/settings/EnvironmentsPage')),
  members: lazyPage(() => import('./pages/settings/MembersPage')),
  account: lazyPage(() => import('./pages/settings/AccountPage')),
};

// The page being opened starts downloading now, alongside the session check, instead of after it.
preloadPage(window.location.pathname);

function preloadPage(path: string): void {
  const match = /^\/(?:env\/[^/]+|settings)\/([^/]+)(\/[^/]+)?/.exec(path);
  const section = match?.[1] ?? (path === '/' ? 'webhooks' : undefined);
  const details: Partial<Record<string, keyof typeof pages>> = { webhooks: 'webhook', users: 'user', points: 'points-system', leaderboards: 'leaderboard' };
  const detail = match?.[2] && section ? details[section] : undefined;
  pages[(detail ?? section) as keyof typeof pages]?.preload();
}

/**
 * React.lazy, except that a page whose code has already arrived renders at once. A plain lazy
 * component suspends on its first render even when preloaded, and React 19 then holds the
 * fallback for 300 ms before showing the page.
 */
function lazyPage(load: () => Promise<{ default: ComponentType }>): ComponentType & { preload: () => void } {
  let loaded: ComponentType | undefined;
  let loading: Promise<{ default: ComponentType }> | undefined;
  const fetchOnce = () =>
    (loading ??= load().then(
      (module) => ((loaded = module.default), module),
      (error: unknown) => {
        loading = undefined; // let the next render try again
        throw error;
      },
    ));
  const Lazy = lazy(fetchOnce);
  const Page = () => createElement(loaded ?? Lazy);
  return Object.assign(Page, { preload: () => void fetchOnce().catch(() => undefined) });
}

const {
  webhooks: WebhooksPage,
  webhook: WebhookDetailPage,
  'api-keys': ApiKeysPage,
  metrics: MetricsPage,
  attributes: AttributesPage,
  achievements: AchievementsPage,
  streaks: StreaksPage,
  points: PointsPage,
  'points-system': PointsSystemPage,
  leaderboards: LeaderboardsPage,
  leaderboard: LeaderboardPage,
  users: UsersPage,
  user: UserDetailPage,
  environments: EnvironmentsPage,
  members: MembersPage,
  account: AccountPage,
} = pages;

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
            <Route path="points" element={<PointsPage />} />
            <Route path="points/:id" element={<PointsSystemPage />} />
            <Route path="leaderboards" element={<LeaderboardsPage />} />
            <Route path="leaderboards/:id" element={<LeaderboardPage />} />
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
