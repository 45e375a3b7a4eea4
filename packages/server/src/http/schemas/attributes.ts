import { z } from 'zod';
import { adminIssue, deletedResource, objectId, text } from './common.js';

export const attributeTypes = ['user', 'event'] as const;

export const MAX_KEY_LENGTH = 255;
export const MAX_NAME_LENGTH = 255;

/**
 * Trophy's key rule `^[a-zA-Z\d-_]+$`, written so it also compiles as a Unicode regular
 * expression (JSON Schema validators use the `u` flag, where `\d-_` is a syntax error).
 */
export const KEY_PATTERN = /^[a-zA-Z0-9_-]+$/;

/** A metric or attribute key: what events and users name it by, fixed once created. */
export const configKey = () =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_KEY_LENGTH, `must be at most ${MAX_KEY_LENGTH} characters`)
    .regex(KEY_PATTERN, 'must contain only letters, digits, hyphens and underscores');

export const configName = () => text().trim().min(1, 'must not be empty').max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`);

/**
 * Items are strict: a misspelt field is a 422 naming it, and so is a field that cannot change
 * (`key` or `type` in an update), instead of being silently ignored.
 */
export function strictItem<Shape extends z.ZodRawShape>(shape: Shape, immutable: readonly string[], why: string) {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const fixed = issue.keys.filter((key) => immutable.includes(key));
      const unknown = issue.keys.filter((key) => !immutable.includes(key));
      return [
        ...(fixed.length > 0 ? [`${fixed.join(' and ')} cannot be changed: ${why}`] : []),
        ...(unknown.length > 0 ? [`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => JSON.stringify(key)).join(', ')}`] : []),
      ].join('; ');
    },
  });
}

const attributeType = z.enum(attributeTypes, {
  error: (issue) =>
    issue.input === undefined
      ? `is required: one of ${attributeTypes.join(', ')}`
      : `unknown attribute type ${JSON.stringify(issue.input)}; expected one of ${attributeTypes.join(', ')}`,
});

export const createAttributeItem = strictItem({ name: configName(), key: configKey(), type: attributeType }, [], '');

export const updateAttributeItem = strictItem(
  { id: objectId(), name: configName().optional() },
  ['key', 'type'],
  "an attribute's key and type are fixed when it is created; create a new attribute instead",
);

export const createAttributesBody = z
  .array(createAttributeItem)
  .min(1, 'send at least one attribute')
  .max(100, 'at most 100 attributes per request');

export const updateAttributesBody = z
  .array(updateAttributeItem)
  .min(1, 'send at least one change')
  .max(100, 'at most 100 changes per request');

export const adminAttribute = z
  .object({
    id: z.string(),
    name: z.string(),
    key: z.string(),
    type: z.enum(attributeTypes),
  })
  .meta({ id: 'AdminAttribute' });

export const createAttributesResponse = z
  .object({ created: z.array(adminAttribute), issues: z.array(adminIssue) })
  .meta({ id: 'CreateAttributesResponse' });

export const updateAttributesResponse = z
  .object({ updated: z.array(adminAttribute), issues: z.array(adminIssue) })
  .meta({ id: 'UpdateAttributesResponse' });

export const deleteAttributesResponse = z
  .object({ deleted: z.array(deletedResource), issues: z.array(adminIssue) })
  .meta({ id: 'DeleteAttributesResponse' });
