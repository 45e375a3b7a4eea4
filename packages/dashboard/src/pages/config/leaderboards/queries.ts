import { useQuery } from '@tanstack/react-query';
import { leaderboardsApi } from '../../../api/leaderboards';
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
