/**
 * Validates webhook bodies against Trophy's published OpenAPI document (OpenAPI 3.1, i.e.
 * JSON Schema 2020-12). The document sits outside the repo and may be missing on a user's
 * machine, so callers check `loadReference()` first and skip when it returns undefined.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

type Schema = Record<string, unknown>;

export interface ReferenceDoc {
  webhooks: Record<string, unknown>;
  components: { schemas: Record<string, Schema> };
  [key: string]: unknown;
}

/** <repo root>/../shared/reference/trophy-openapi-application-1.24.0.json (Trophy's spec 1.24.0, the contract since issue 15) */
export const referencePath = fileURLToPath(
  new URL('../../../../../shared/reference/trophy-openapi-application-1.24.0.json', import.meta.url),
);

/**
 * Fields Laurel sends on purpose beyond the schema, keyed by component schema name.
 * Trophy's own examples spell the email flag `subscribedToEmails`, so user objects carry both spellings.
 */
const allowedExtras: Record<string, readonly string[]> = { User: ['subscribedToEmails'] };

let loaded: { doc: ReferenceDoc; path: string } | null | undefined;

export function loadReference(): { doc: ReferenceDoc; path: string } | undefined {
  if (loaded === undefined) {
    loaded = existsSync(referencePath)
      ? { doc: JSON.parse(readFileSync(referencePath, 'utf8')) as ReferenceDoc, path: referencePath }
      : null;
  }
  return loaded ?? undefined;
}

const BASE = 'https://laurel.invalid/trophy-openapi-application.json';
let ajv: Ajv2020 | undefined;
const validators = new Map<string, (payload: unknown) => string[]>();

/**
 * A checker for one event type's body. It returns readable errors, empty when valid.
 * Beyond the schema it also reports keys the reference does not define, because webhook
 * bodies must match the spec exactly and a misspelt optional field would otherwise slip through.
 */
export function webhookValidator(type: string): (payload: unknown) => string[] {
  const cached = validators.get(type);
  if (cached) return cached;

  const ref = loadReference();
  if (!ref) throw new Error(`Trophy reference not found at ${referencePath}`);
  const { doc } = ref;
  const bodySchema = pointer(doc, `/webhooks/${escapePointer(type)}/post/requestBody/content/application~1json/schema`);
  if (!bodySchema) throw new Error(`The reference has no webhook named "${type}"`);

  ajv ??= createAjv(doc);
  // The webhook bodies don't say `type: object`; add it so a non-object can't pass vacuously.
  const validate = ajv.compile({
    type: 'object',
    $ref: `${BASE}#/webhooks/${escapePointer(type)}/post/requestBody/content/application~1json/schema`,
  });

  const check = (payload: unknown): string[] => {
    const errors = validate(payload)
      ? []
      : (validate.errors ?? []).map((e) => {
          const allowed = e.keyword === 'enum' ? ` (${JSON.stringify(e.params['allowedValues'])})` : '';
          return `${e.instancePath || '/'} ${e.message ?? e.keyword}${allowed}`;
        });
    unknownKeys(doc, bodySchema, payload, '', errors);
    return errors;
  };
  validators.set(type, check);
  return check;
}

function createAjv(doc: ReferenceDoc, base = BASE): Ajv2020 {
  // strict: false lets OpenAPI-only keywords such as `example` through; validation itself stays exact.
  const instance = new Ajv2020({ strict: false, allErrors: true });
  addFormats(instance);
  // Formats that only annotate (e.g. `double`) are accepted as-is instead of failing to compile.
  for (const name of formatsUsed(doc)) if (!instance.formats[name]) instance.addFormat(name, true);
  instance.addSchema({ $id: base, components: doc.components, webhooks: doc.webhooks });
  return instance;
}

function formatsUsed(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) formatsUsed(item, found);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'format' && typeof value === 'string') found.add(value);
      else formatsUsed(value, found);
    }
  }
  return found;
}

/** Walks value and schema together, reporting object keys that no applicable schema defines. */
function unknownKeys(doc: ReferenceDoc, schema: Schema, value: unknown, path: string, out: string[]): void {
  const branches = flatten(doc, schema, value);
  if (Array.isArray(value)) {
    const items = branches.map((b) => b['items']).find(isObject);
    if (items) value.forEach((item, i) => unknownKeys(doc, items, item, `${path}/${i}`, out));
    return;
  }
  if (!isObject(value)) return;
  // A free-form map (like user attributes) has no fixed set of keys.
  if (branches.some((b) => b['additionalProperties'] !== undefined && b['additionalProperties'] !== false)) return;

  const props = new Map<string, Schema>();
  const extras = new Set<string>();
  for (const b of branches) {
    const own = b['properties'];
    if (isObject(own)) for (const [k, v] of Object.entries(own)) if (isObject(v)) props.set(k, v);
    // A required name counts as defined even without a property schema (e.g. LeaderboardResponse.status).
    const required = b['required'];
    if (Array.isArray(required)) for (const k of required) if (typeof k === 'string' && !props.has(k)) props.set(k, {});
    for (const [name, keys] of Object.entries(allowedExtras)) {
      if (b === doc.components.schemas[name]) keys.forEach((k) => extras.add(k));
    }
  }
  for (const [key, child] of Object.entries(value)) {
    const sub = props.get(key);
    if (sub) unknownKeys(doc, sub, child, `${path}/${key}`, out);
    else if (!extras.has(key)) out.push(`${path}/${key} is not defined by the reference schema`);
  }
}

/** The schema plus everything it pulls in via $ref / allOf, and the oneOf/anyOf branches that fit the value. */
function flatten(doc: ReferenceDoc, schema: Schema, value: unknown): Schema[] {
  const out: Schema[] = [];
  const visit = (s: Schema): void => {
    const target = typeof s['$ref'] === 'string' ? pointer(doc, s['$ref'].replace(/^#/, '')) : undefined;
    if (target) visit(target);
    out.push(s);
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
      const list = s[key];
      if (!Array.isArray(list)) continue;
      for (const sub of list) if (isObject(sub) && (key === 'allOf' || fits(doc, sub, value))) visit(sub);
    }
  };
  visit(schema);
  return out;
}

function fits(doc: ReferenceDoc, schema: Schema, value: unknown): boolean {
  const s = typeof schema['$ref'] === 'string' ? (pointer(doc, schema['$ref'].replace(/^#/, '')) ?? schema) : schema;
  const types = ([] as unknown[]).concat(s['type'] ?? []);
  if (types.length === 0) return true;
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return types.includes(actual) || (actual === 'number' && types.includes('integer'));
}

function pointer(doc: unknown, path: string): Schema | undefined {
  let node: unknown = doc;
  for (const raw of path.split('/').slice(1)) {
    if (!isObject(node)) return undefined;
    node = node[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isObject(node) ? node : undefined;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

// ---- Component schemas (response bodies) of the Application and Admin documents.

const ADMIN_BASE = 'https://laurel.invalid/trophy-openapi-admin.json';
const adminReferencePath = fileURLToPath(new URL('../../../../../shared/reference/trophy-openapi-admin-1.24.0.json', import.meta.url));
let adminDoc: ReferenceDoc | null | undefined;
let adminAjv: Ajv2020 | undefined;
const componentValidators = new Map<string, (payload: unknown) => string[]>();

/**
 * A checker for a body against one component schema of Trophy's Application API document (e.g.
 * `AchievementWithStatsResponse`): schema errors plus keys the reference does not define; empty
 * when valid. undefined when the document is not on this machine (callers skip).
 */
export function appSchemaValidator(schemaName: string): ((payload: unknown) => string[]) | undefined {
  const ref = loadReference();
  if (!ref) return undefined;
  ajv ??= createAjv(ref.doc);
  return componentValidator(ref.doc, ajv, BASE, schemaName);
}

/** The same for Trophy's Admin API document (e.g. `CreateMetricsResponse`). */
export function adminSchemaValidator(schemaName: string): ((payload: unknown) => string[]) | undefined {
  adminDoc ??= existsSync(adminReferencePath) ? (JSON.parse(readFileSync(adminReferencePath, 'utf8')) as ReferenceDoc) : null;
  if (!adminDoc) return undefined;
  adminAjv ??= createAjv(adminDoc, ADMIN_BASE);
  return componentValidator(adminDoc, adminAjv, ADMIN_BASE, schemaName);
}

function componentValidator(doc: ReferenceDoc, instance: Ajv2020, base: string, schemaName: string): (payload: unknown) => string[] {
  const id = `${base}#${schemaName}`;
  const cached = componentValidators.get(id);
  if (cached) return cached;
  const schema = doc.components.schemas[schemaName];
  if (!schema) throw new Error(`${base} has no schema named "${schemaName}"`);
  const validate = instance.compile({ $ref: `${base}#/components/schemas/${escapePointer(schemaName)}` });
  const check = (payload: unknown): string[] => {
    const errors = validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
    unknownKeys(doc, schema, payload, '', errors);
    return errors;
  };
  componentValidators.set(id, check);
  return check;
}

/**
 * Asserts that a body matches a component schema of Trophy's Admin API document (skipped when the
 * document is absent). `allowed` lists errors to pass over: additions Laurel makes on purpose.
 */
export function assertAdminSchema(schemaName: string, body: unknown, allowed?: RegExp): void {
  const validate = adminSchemaValidator(schemaName);
  if (!validate) return;
  const errors = validate(body).filter((error) => !allowed?.test(error));
  assert.deepEqual(errors, [], `${schemaName}: ${JSON.stringify(body).slice(0, 400)}`);
}

/** The same against Trophy's Application API document; `list` checks each item of an array body. */
export function assertAppSchema(schemaName: string, body: unknown, list = false): void {
  const validate = appSchemaValidator(schemaName);
  if (!validate) return;
  const items = list ? (body as unknown[]) : [body];
  assert.ok(Array.isArray(items), `${schemaName}: expected an array`);
  for (const item of items) assert.deepEqual(validate(item), [], `${schemaName}: ${JSON.stringify(item).slice(0, 400)}`);
}

// ---- Trophy's Application document 1.24.0 (issue 15's contract), for responses it adds.

const APP_1_24_BASE = 'https://laurel.invalid/trophy-openapi-application-1.24.0.json';
const app124Path = fileURLToPath(new URL('../../../../../shared/reference/trophy-openapi-application-1.24.0.json', import.meta.url));
let app124Doc: ReferenceDoc | null | undefined;
let app124Ajv: Ajv2020 | undefined;

/** appSchemaValidator against the 1.24.0 Application document; undefined when it is not on this machine. */
export function app124SchemaValidator(schemaName: string): ((payload: unknown) => string[]) | undefined {
  app124Doc ??= existsSync(app124Path) ? (JSON.parse(readFileSync(app124Path, 'utf8')) as ReferenceDoc) : null;
  if (!app124Doc) return undefined;
  app124Ajv ??= createAjv(app124Doc, APP_1_24_BASE);
  return componentValidator(app124Doc, app124Ajv, APP_1_24_BASE, schemaName);
}
