import { request, setCsrfToken } from './client';

/** The console API (/console/v1): the owner account, members, sessions and environments. */

export interface Account {
  id: string;
  email: string;
  role: 'owner' | 'member';
  mustChangePassword: boolean;
  created: string;
  lastLogin: string | null;
}

export interface Session {
  account: Account;
  csrfToken: string;
  expires?: string;
}

export interface ServerStatus {
  setupRequired: boolean;
  mode: 'development' | 'production';
  /** Set-up needs the LAUREL_SETUP_TOKEN the server was started with. */
  setupTokenRequired: boolean;
  version: string;
}

export type EnvironmentKind = 'production' | 'staging' | 'development';

export interface Environment {
  id: string;
  name: string;
  kind: EnvironmentKind;
  created: string;
}

function remember(session: Session): Session {
  setCsrfToken(session.csrfToken);
  return session;
}

export const consoleApi = {
  status: () => request<ServerStatus>('GET', '/console/v1/status'),
  session: async () => remember(await request<Session>('GET', '/console/v1/session')),
  setup: async (email: string, password: string, setupToken?: string) =>
    remember(await request<Session>('POST', '/console/v1/setup', { body: { email, password, ...(setupToken ? { setupToken } : {}) } })),
  login: async (email: string, password: string) => remember(await request<Session>('POST', '/console/v1/login', { body: { email, password } })),
  logout: async () => {
    await request<void>('POST', '/console/v1/logout');
    setCsrfToken(undefined);
  },
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/console/v1/password', { body: { currentPassword, newPassword } }),
  members: () => request<Account[]>('GET', '/console/v1/members'),
  addMember: (email: string) => request<{ member: Account; oneTimePassword: string }>('POST', '/console/v1/members', { body: { email } }),
  removeMember: (id: string) => request<void>('DELETE', `/console/v1/members/${encodeURIComponent(id)}`),
  environments: () => request<Environment[]>('GET', '/console/v1/environments'),
  createEnvironment: (name: string, kind: EnvironmentKind) => request<Environment>('POST', '/console/v1/environments', { body: { name, kind } }),
  renameEnvironment: (id: string, name: string) => request<Environment>('PATCH', `/console/v1/environments/${encodeURIComponent(id)}`, { body: { name } }),
};
