/**
 * The light structural-schema handling custom resources get from their CRD's
 * openAPIV3Schema: unknown fields pruned, `default`s applied, and types, enums and
 * required fields checked, with upstream's message wording.
 */
import type { FieldError } from './types.js';
import type { OpenApiSchema } from './openapi-types.js';
import { invalid, notSupported, required } from './meta/field-errors.js';
import { isRecord, type JsonRecord } from './meta/json.js';

const ROOT_META_FIELDS = ['apiVersion', 'kind', 'metadata'];

function keepsUnknown(schema: OpenApiSchema): boolean {
  return schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties !== undefined && schema.additionalProperties !== false;
}

function childSchema(schema: OpenApiSchema, key: string): OpenApiSchema | undefined {
  const prop = schema.properties?.[key];
  if (prop) return prop;
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

/** Removes fields the schema does not declare (unless it preserves unknown fields). */
export function prune(value: unknown, schema: OpenApiSchema, isRoot = false): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) prune(item, schema.items);
    return;
  }
  if (!isRecord(value)) return;
  const embedded = isRoot || schema['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    if (embedded && ROOT_META_FIELDS.includes(key)) continue;
    const child = childSchema(schema, key);
    if (child) prune(value[key], child);
    else if (!keepsUnknown(schema)) delete value[key];
  }
}

/** Fills `default` values of absent properties inside objects that exist. */
export function applyDefaults(value: unknown, schema: OpenApiSchema): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applyDefaults(item, schema.items);
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (value[key] === undefined && prop.default !== undefined) value[key] = structuredClone(prop.default);
    if (value[key] !== undefined) applyDefaults(value[key], prop);
  }
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(expected: string, v: unknown, schema: OpenApiSchema): boolean {
  if (schema['x-kubernetes-int-or-string'] === true) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  const actual = typeOf(v);
  return actual === expected || (expected === 'number' && actual === 'integer');
}

/** Type, enum and required checks; paths are `spec.replicas` style. */
export function validateAgainstSchema(value: unknown, schema: OpenApiSchema, path: string, errs: FieldError[] = []): FieldError[] {
  if (value === undefined) return errs;
  if (value === null) {
    if (schema.type !== undefined && (schema as { nullable?: boolean }).nullable !== true) errs.push(invalid(path, 'null', `${path} in body must be of type ${schema.type}: "null"`));
    return errs;
  }
  if (schema.type && !typeMatches(schema.type, value, schema)) {
    errs.push(invalid(path, typeOf(value), `${path} in body must be of type ${schema.type}: ${JSON.stringify(typeOf(value))}`));
    return errs;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errs.push(notSupported(path, value, schema.enum.map((e) => String(e))));
  }
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => validateAgainstSchema(item, schema.items as OpenApiSchema, `${path}[${i}]`, errs));
    return errs;
  }
  if (isRecord(value)) {
    for (const key of schema.required ?? []) if (value[key] === undefined) errs.push(required(path ? `${path}.${key}` : key));
    for (const [key, child] of Object.entries(value)) {
      const childSch = childSchema(schema, key);
      if (childSch) validateAgainstSchema(child, childSch, path ? `${path}.${key}` : key, errs);
    }
  }
  return errs;
}

/** The root checks: everything except apiVersion/kind/metadata, which the API handles. */
export function validateCustomObject(obj: JsonRecord, schema: OpenApiSchema): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of schema.required ?? []) if (obj[key] === undefined && !ROOT_META_FIELDS.includes(key)) errs.push(required(key));
  for (const [key, value] of Object.entries(obj)) {
    if (ROOT_META_FIELDS.includes(key)) continue;
    const child = childSchema(schema, key);
    if (child) validateAgainstSchema(value, child, key, errs);
  }
  return errs;
}
