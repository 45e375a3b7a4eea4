import { useQuery } from '@tanstack/react-query';
import { pointsApi } from '../../../api/points';
import { useEnvironmentCalls } from '../../../app/environment';
import { configKeys } from '../queries';

/** The environment's id (for query keys) and its points calls. */
export function usePointsApi() {
  return useEnvironmentCalls(pointsApi);
}

export function usePointsSystems() {
  const { env, calls } = usePointsApi();
  return useQuery({ queryKey: configKeys.pointsSystems(env), queryFn: calls.systems.list });
}

export function usePointsSystem(id: string) {
  const { env, calls } = usePointsApi();
  return useQuery({ queryKey: configKeys.pointsSystem(env, id), queryFn: () => calls.systems.get(id) });
}

export function useTriggers(systemId: string) {
  const { env, calls } = usePointsApi();
  return useQuery({ queryKey: [...configKeys.pointsSystem(env, systemId), 'triggers'], queryFn: () => calls.triggers(systemId).list() });
}

export function useLevels(systemId: string) {
  const { env, calls } = usePointsApi();
  return useQuery({ queryKey: [...configKeys.pointsSystem(env, systemId), 'levels'], queryFn: () => calls.levels(systemId).list() });
}

export function useBoosts(systemId: string) {
  const { env, calls } = usePointsApi();
  return useQuery({ queryKey: [...configKeys.pointsSystem(env, systemId), 'boosts'], queryFn: () => calls.boosts(systemId).list() });
}
