import { apiKeysApi } from '../../api/api-keys';
import { useEnvironmentCalls } from '../../app/environment';

/** The API-key calls of the current environment, with the environment id that prefixes every query key. */
export function useApiKeysApi() {
  return useEnvironmentCalls(apiKeysApi);
}
