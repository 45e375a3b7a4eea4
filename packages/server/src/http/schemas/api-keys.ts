import { z } from 'zod';
import { text } from './common.js';

const keyFields = {
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('the public first part of the key, `{prefix}.{secret}`; it starts with the mark of the environment\'s kind (`prod_`, `stage_`, `dev_`), except on keys made before marks existed'),
  created: z.string(),
  lastUsed: z.string().nullable().describe('updated at most once a minute'),
  revoked: z.boolean(),
};

export const apiKey = z.object(keyFields).meta({ id: 'ApiKey' });

export const createdApiKey = z
  .object({ ...keyFields, key: z.string().describe('the whole key; shown only in this answer') })
  .meta({ id: 'CreatedApiKey' });

export const createApiKeyBody = z.strictObject({ name: text().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters') });

export const updateApiKeyBody = z.strictObject({ revoked: z.boolean() });
