import type { KeyValue } from '../engine/achievements/qualify.js';
import type { AttributeType } from '../store/schema.js';
import type { ConfigReferences } from './config-references.js';
import type { Problems } from './invalid-config.js';

/** A filter as the Admin API takes and shows it: the attribute by id. */
export interface AttributeFilterInput {
  attributeId: string;
  attributeValue: string;
}

/**
 * A filter as stored (JSON): the attribute's id for the Admin API and its key for the rules and
 * the Application API. Attribute keys never change, so the copy of the key cannot go stale; a
 * filter on an attribute deleted later keeps requiring that key and value.
 */
export interface AttributeFilter {
  attributeId: string;
  key: string;
  value: string;
}

/**
 * The stored form of filters on `type` attributes; an id that is not an attribute of that type
 * in the environment is a problem of `where.field`.
 */
export function resolveFilters(
  inputs: readonly AttributeFilterInput[] | null | undefined,
  type: AttributeType,
  references: ConfigReferences,
  problems: Problems,
  where: string,
  field: string,
): AttributeFilter[] {
  const filters: AttributeFilter[] = [];
  for (const [index, input] of (inputs ?? []).entries()) {
    const attribute = references.attributes.get(input.attributeId);
    if (!attribute || attribute.type !== type) {
      const other = attribute ? ` (${input.attributeId} is ${attribute.type === 'user' ? 'a user' : 'an event'} attribute)` : '';
      problems.add(where, `${field}[${index}].attributeId`, `no ${type} attribute with this id in this environment${other}; declare it with POST /admin/v1/attributes`);
      continue;
    }
    filters.push({ attributeId: input.attributeId, key: attribute.key, value: input.attributeValue });
  }
  return filters;
}

export function parseFilters(json: string): AttributeFilter[] {
  return JSON.parse(json) as AttributeFilter[];
}

export function toAdminFilters(filters: readonly AttributeFilter[]): AttributeFilterInput[] {
  return filters.map((filter) => ({ attributeId: filter.attributeId, attributeValue: filter.value }));
}

export function toKeyValues(filters: readonly AttributeFilter[]): KeyValue[] {
  return filters.map((filter) => ({ key: filter.key, value: filter.value }));
}
