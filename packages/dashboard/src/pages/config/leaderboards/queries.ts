import { useQuery } from '@tanstack/react-query';
import { leaderboardsApi, rankingsApi } from '../../../api/leaderboards';
import { useEnvironmentCalls } from '../../../app/environment';
import { configKeys } from '../queries';

/** The environment's id (for query keys) and its leaderboard calls. */
export function useLeaderboardsApi() {
  return useEnvironmentCalls(leaderboardsApi);
}

export function useLeaderboards() {
  const { env, calls } = useLeaderboardsApi();
  return useQuery({ queryKey: configKeys.leaderboards(env), queryFn: calls.list });
}

export function useLeaderboard(id: string) {
  const { env, calls } = useLeaderboardsApi();
  return useQuery({ queryKey: [...configKeys.leaderboards(env), id], queryFn: () => calls.get(id) });
}

/** The boards users see, as the Application API answers (status now, breakdowns by key, what each ranks by name). */
export function useVisibleLeaderboards() {
  const { env, calls } = useEnvironmentCalls(rankingsApi);
  return useQuery({ queryKey: [...configKeys.leaderboards(env), 'visible'], queryFn: calls.visible });
}

/** A board's runs as the server counts them: the current one, then up to `limit` ended ones. */
export function useLeaderboardRuns(id: string, limit: number) {
  const { env, calls } = useEnvironmentCalls(rankingsApi);
  return useQuery({ queryKey: [...configKeys.leaderboards(env), id, 'runs', limit], queryFn: () => calls.runs(id, limit) });
}
