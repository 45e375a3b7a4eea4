import type { EnvironmentApi } from './client';

/** The environment's Admin API keys (/admin/v1/api-keys, a Laurel extension). */

export interface ApiKey {
  id: string;
  name: string;
  /** The public first part of `{prefix}.{secret}`. */
  prefix: string;
  created: string;
  lastUsed: string | null;
  revoked: boolean;
}

export const API_KEY_PAGE_SIZE = 50;

/** Every key starts with the environment id, so two environments never share cached data. */
export const apiKeyKeys = {
  all: (env: string) => [env, 'api-keys'] as const,
  list: (env: string, page: number) => [env, 'api-keys', page] as const,
};

const path = (id: string) => `/admin/v1/api-keys/${encodeURIComponent(id)}`;

export function apiKeysApi(api: EnvironmentApi) {
  return {
    list: (page: number) => api.get<ApiKey[]>('/admin/v1/api-keys', { limit: API_KEY_PAGE_SIZE, skip: page * API_KEY_PAGE_SIZE }),
    /** The answer's `key` is the whole key, shown only here. */
    create: (name: string) => api.post<ApiKey & { key: string }>('/admin/v1/api-keys', { name }),
    setRevoked: (id: string, revoked: boolean) => api.patch<ApiKey>(path(id), { revoked }),
    remove: (id: string) => api.delete<void>(path(id)),
  };
}
