import { useMemo } from 'react';
import { apiKeysApi } from '../../api/api-keys';
import { useEnvironment } from '../../app/environment';

/** The API-key calls of the current environment, with the environment id that prefixes every query key. */
export function useApiKeysApi() {
  const { environment, api } = useEnvironment();
  const calls = useMemo(() => apiKeysApi(api), [api]);
  return { env: environment.id, environment, calls };
}
