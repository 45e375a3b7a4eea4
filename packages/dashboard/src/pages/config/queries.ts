import { useQuery, useQueryClient } from '@tanstack/react-query';
import { configApi } from '../../api/config';
import { useEnvironmentCalls } from '../../app/environment';

/**
 * Query keys and shared queries of the configuration and user pages. Every key starts with the
 * environment id, so one environment's data is never shown in another.
 */
export const configKeys = {
  metrics: (env: string) => [env, 'metrics'] as const,
  metricStats: (env: string) => [env, 'metrics', 'stats'] as const,
  attributes: (env: string) => [env, 'attributes'] as const,
  achievements: (env: string) => [env, 'achievements'] as const,
  achievementStats: (env: string) => [env, 'achievements', 'stats'] as const,
  streakSettings: (env: string) => [env, 'streak-settings'] as const,
  users: (env: string) => [env, 'users'] as const,
  user: (env: string, id: string) => [env, 'users', id] as const,
  pointsSystems: (env: string) => [env, 'points'] as const,
  pointsSystem: (env: string, id: string) => [env, 'points', id] as const,
  leaderboards: (env: string) => [env, 'leaderboards'] as const,
};

/** The environment's id (for query keys) and its calls. */
export function useConfigApi() {
  return useEnvironmentCalls(configApi);
}

type Area = 'metrics' | 'attributes' | 'achievements' | 'streak-settings' | 'users' | 'points' | 'leaderboards';

/** Marks an area's queries stale after a change (every key above is [env, area, ...]). */
export function useInvalidate() {
  const client = useQueryClient();
  const { env } = useConfigApi();
  return (...areas: Area[]) => Promise.all(areas.map((area) => client.invalidateQueries({ queryKey: [env, area] })));
}

export function useMetrics() {
  const { env, calls } = useConfigApi();
  return useQuery({ queryKey: configKeys.metrics(env), queryFn: calls.metrics.list });
}

export function useMetricStats() {
  const { env, calls } = useConfigApi();
  return useQuery({ queryKey: configKeys.metricStats(env), queryFn: calls.metrics.stats });
}

export function useAttributes() {
  const { env, calls } = useConfigApi();
  return useQuery({ queryKey: configKeys.attributes(env), queryFn: calls.attributes.list });
}

export function useAchievements() {
  const { env, calls } = useConfigApi();
  return useQuery({ queryKey: configKeys.achievements(env), queryFn: calls.achievements.list });
}

export function useAchievementStats() {
  const { env, calls } = useConfigApi();
  return useQuery({ queryKey: configKeys.achievementStats(env), queryFn: calls.achievements.stats });
}

export function useStreakSettings() {
  const { env, calls } = useConfigApi();
  return useQuery({ queryKey: configKeys.streakSettings(env), queryFn: calls.streakSettings.get });
}
