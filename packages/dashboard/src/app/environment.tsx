import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { Navigate, useParams } from 'react-router';
import { environmentApi, type EnvironmentApi } from '../api/client';
import { consoleApi, type Environment } from '../api/console';
import { FullPageError, FullPageLoading } from '../ui/feedback';

interface EnvironmentContextValue {
  environment: Environment;
  /** API calls scoped to this environment (X-Laurel-Environment). */
  api: EnvironmentApi;
  /** Builds a link inside this environment: envPath('webhooks') -> /env/development/webhooks. */
  envPath: (path: string) => string;
}

const EnvironmentContext = createContext<EnvironmentContextValue | undefined>(undefined);

export function useEnvironments() {
  return useQuery({ queryKey: ['environments'], queryFn: consoleApi.environments, staleTime: 60_000 });
}

/** The environment the current page belongs to; pages under /env/:env only. */
export function useEnvironment(): EnvironmentContextValue {
  const value = useContext(EnvironmentContext);
  if (!value) throw new Error('useEnvironment outside EnvironmentScope');
  return value;
}

/** An API module's calls (configApi, webhooksApi…) bound to this environment, with its id, which starts every query key. */
export function useEnvironmentCalls<Calls>(bind: (api: EnvironmentApi) => Calls): { env: string; environment: Environment; calls: Calls } {
  const { environment, api } = useEnvironment();
  const calls = useMemo(() => bind(api), [bind, api]);
  return { env: environment.id, environment, calls };
}

/** The environment named in the URL, or undefined outside /env/:env pages (the switcher uses it). */
export function useOptionalEnvironment(): Environment | undefined {
  return useContext(EnvironmentContext)?.environment;
}

export function EnvironmentScope({ children }: { children: ReactNode }) {
  const { env } = useParams();
  const environments = useEnvironments();
  const environment = environments.data?.find((candidate) => candidate.name === env);
  const value = useMemo(
    () =>
      environment && {
        environment,
        api: environmentApi(environment.id),
        envPath: (path: string) => `/env/${encodeURIComponent(environment.name)}/${path.replace(/^\//, '')}`,
      },
    [environment],
  );

  if (environments.isPending) return <FullPageLoading />;
  if (environments.isError) return <FullPageError error={environments.error} />;
  if (!value) return <Navigate to="/" replace />;
  // Keyed by environment so no state (forms, filters, caches in components) leaks from one environment into another.
  return (
    <EnvironmentContext.Provider value={value} key={value.environment.id}>
      {children}
    </EnvironmentContext.Provider>
  );
}

/** Where `/` leads: development first, so a fresh install starts somewhere safe to experiment. */
export function defaultEnvironment(environments: readonly Environment[]): Environment | undefined {
  return environments.find((e) => e.kind === 'development') ?? environments[0];
}
