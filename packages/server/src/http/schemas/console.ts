import { z } from 'zod';
import { accountRoles, environmentKinds } from '../../store/schema.js';
import { text } from './common.js';

/** Schemas of the console API (/console/v1): accounts, sessions and environments for the dashboard. */

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_EMAIL_LENGTH = 254;

export const email = text()
  .trim()
  .max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must look like an email address, like ann@example.com');

export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const credentials = z.strictObject({ email, password: newPassword });

export const setupBody = credentials.extend({
  setupToken: z.string().max(256, 'must be at most 256 characters').optional().describe('LAUREL_SETUP_TOKEN; required when the server has one, and always in production mode'),
});

// Signing in checks no rules beyond the lengths: a wrong guess is a wrong guess (401), whatever its shape.
export const signInBody = z.strictObject({
  email: z.string().max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`),
  password: z.string().max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`),
});

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`),
  newPassword,
});

export const account = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(accountRoles),
    mustChangePassword: z.boolean().describe('true until a member replaces the one-time password they were given'),
    created: z.string(),
    lastLogin: z.string().nullable(),
  })
  .meta({ id: 'ConsoleAccount' });

export const signedIn = z
  .object({ account, csrfToken: z.string().describe('send as X-CSRF-Token with every POST, PUT, PATCH and DELETE of this session') })
  .meta({ id: 'ConsoleSignIn' });

export const sessionInfo = z
  .object({ account, csrfToken: z.string(), expires: z.string().describe('when the session ends unless used again (ISO 8601)') })
  .meta({ id: 'ConsoleSession' });

export const status = z
  .object({
    setupRequired: z.boolean().describe('true until the first account (the owner) is created with POST /console/v1/setup'),
    mode: z.enum(['development', 'production']),
    setupTokenRequired: z.boolean().describe('set-up needs setupToken (the LAUREL_SETUP_TOKEN the server was started with)'),
    version: z.string(),
  })
  .meta({ id: 'ConsoleStatus' });

export const newMemberBody = z.strictObject({ email });

export const newMember = z
  .object({ member: account, oneTimePassword: z.string().describe('shown once; the member must change it at first sign-in') })
  .meta({ id: 'ConsoleNewMember' });

export const environmentName = text().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lowercase letters, digits and dashes, starting with a letter or digit');

export const environment = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(environmentKinds), created: z.string() })
  .meta({ id: 'Environment' });

export const createEnvironmentBody = z.strictObject({ name: environmentName, kind: z.enum(environmentKinds).default('development') });

export const renameEnvironmentBody = z.strictObject({ name: environmentName });

/** 204 answers have no body. */
export const noContent = z.null().describe('No content');
