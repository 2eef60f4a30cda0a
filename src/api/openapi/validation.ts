/**
 * Schema-based checks the API server runs on request bodies: fields the schema does not know
 * (for fieldValidation=Strict/Warn) and values of the wrong JSON type (for clear 400/422
 * errors instead of a corrupt object).
 */
import type { OpenApiSchema, SchemaResolver } from '../openapi-types.js';
import type { FieldError } from '../types.js';
import { effectiveSchema, isPlainObject, jsonType } from './schema-walk.js';
import type { EffectiveSchema } from './schema-walk.js';
import { ref } from './components.js';

/** Fields every embedded object may carry even when its schema lists none of them. */
const EMBEDDED_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Paths (`.spec.foo`, `.spec.containers[0].bogus`) of fields in `obj` that the schema of
 * `schemaName` does not declare. `apiVersion` and `kind` at the top are always accepted;
 * `additionalProperties` and `x-kubernetes-preserve-unknown-fields` open an object up. An
 * object schema that declares no properties is closed (a CRD prunes everything under it, a
 * built-in empty struct has no fields); a schema with no type at all is not checked.
 */
export function findUnknownFields(obj: unknown, schemaName: string, resolver: SchemaResolver): string[] {
  const out: string[] = [];
  if (!resolver(schemaName)) return out;
  walkUnknown(obj, ref(schemaName), '', resolver, out, true);
  return out;
}

function walkUnknown(value: unknown, schema: OpenApiSchema, path: string, resolve: SchemaResolver, out: string[], root: boolean): void {
  const eff = effectiveSchema(schema, resolve);
  if (Array.isArray(value)) {
    if (eff.items) value.forEach((item, i) => walkUnknown(item, eff.items as OpenApiSchema, `${path}[${i}]`, resolve, out, false));
    return;
  }
  if (!isPlainObject(value)) return;
  const props = eff.properties;
  const extra = eff.additionalProperties;
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    const known = props?.[key];
    if (known) {
      walkUnknown(child, known, childPath, resolve, out, false);
    } else if (typeof extra === 'object') {
      walkUnknown(child, extra, childPath, resolve, out, false);
    } else if (root && (key === 'apiVersion' || key === 'kind')) {
      continue;
    } else if (eff.embeddedResource && EMBEDDED_FIELDS.has(key)) {
      continue;
    } else if ((props || eff.type === 'object') && extra !== true && !eff.preserveUnknown) {
      out.push(childPath);
    }
  }
}

/** A value whose JSON type does not match its schema. */
export interface FieldTypeError extends FieldError {
  /** OpenAPI type the schema wants: `integer`, `string`, `object`, ... */
  readonly expected: string;
  /** JSON type found. */
  readonly actual: string;
  /**
   * The message upstream's JSON decoder gives for built-in kinds, e.g. `json: cannot
   * unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort
   * of type int32`; prefix it with `<Kind> in version "<v>" cannot be handled as a <Kind>: `.
   */
  readonly decodeMessage: string;
}

/**
 * Every value in `obj` whose JSON type contradicts the schema of `schemaName`. `null` is
 * accepted anywhere (the decoder reads it as "unset"). `message` follows upstream's CRD
 * validation wording: `Invalid value: "string": spec.replicas in body must be of type integer: "string"`.
 */
export function findTypeErrors(obj: unknown, schemaName: string, resolver: SchemaResolver): FieldTypeError[] {
  const out: FieldTypeError[] = [];
  if (!resolver(schemaName)) return out;
  walkTypes(obj, ref(schemaName), { path: [], goPath: [], owner: schemaName.slice(schemaName.lastIndexOf('.') + 1) }, resolver, out);
  return out;
}

/** Where a value sits, for messages: JSON path, and the Go-decoder view of it. */
interface Position {
  /** `spec.containers[0].ports[0].containerPort`, as a list of keys and indexes. */
  readonly path: readonly (string | number)[];
  /** Struct fields only, no indexes or map keys: `spec.containers.ports.containerPort`. */
  readonly goPath: readonly string[];
  /** Short name of the struct (component) holding the value: `ContainerPort`. */
  readonly owner: string;
}

function walkTypes(value: unknown, schema: OpenApiSchema, at: Position, resolve: SchemaResolver, out: FieldTypeError[]): void {
  if (value === null || value === undefined) return;
  const eff = effectiveSchema(schema, resolve);
  const actual = jsonType(value);
  const expected = expectedType(eff);
  if (expected && !typeMatches(expected, actual)) {
    out.push(typeError(at, expected, actual, eff, resolve));
    return;
  }
  if (Array.isArray(value)) {
    if (eff.items) value.forEach((item, i) => walkTypes(item, eff.items as OpenApiSchema, { ...at, path: [...at.path, i] }, resolve, out));
    return;
  }
  if (!isPlainObject(value)) return;
  const owner = eff.componentName ?? at.owner;
  for (const [key, child] of Object.entries(value)) {
    const declared = eff.properties?.[key];
    if (declared) {
      walkTypes(child, declared, { path: [...at.path, key], goPath: [...at.goPath, key], owner }, resolve, out);
    } else if (typeof eff.additionalProperties === 'object') {
      walkTypes(child, eff.additionalProperties, { path: [...at.path, key], goPath: at.goPath, owner: at.owner }, resolve, out);
    }
  }
}

function expectedType(eff: EffectiveSchema): string | undefined {
  if (eff.intOrString) return 'int-or-string';
  return eff.type;
}

function typeMatches(expected: string, actual: string): boolean {
  switch (expected) {
    case 'int-or-string': return actual === 'string' || actual === 'integer' || actual === 'number';
    case 'number': return actual === 'number' || actual === 'integer';
    default: return expected === actual;
  }
}

function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const part of path) s += typeof part === 'number' ? `[${part}]` : s === '' ? part : `.${part}`;
  return s;
}

/** The Go type upstream's decoder names in its message (`int32`, `[]v1.Container`, `map[string]string`). */
function goType(eff: EffectiveSchema, resolve: SchemaResolver, depth = 0): string {
  // Go names a struct by package and type; upstream's packages are named after the version.
  if (eff.component) return eff.component.split('.').slice(-2).join('.');
  if (eff.intOrString) return 'intstr.IntOrString';
  const inner = (schema: OpenApiSchema | undefined): string => (schema && depth < 8 ? goType(effectiveSchema(schema, resolve), resolve, depth + 1) : 'interface {}');
  switch (eff.type) {
    case 'integer': return eff.format === 'int32' ? 'int32' : 'int64';
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    case 'string': return 'string';
    case 'array': return `[]${inner(eff.items)}`;
    case 'object': return typeof eff.additionalProperties === 'object' ? `map[string]${inner(eff.additionalProperties)}` : 'map[string]interface {}';
    default: return 'interface {}';
  }
}

function goValueKind(actual: string): string {
  switch (actual) {
    case 'integer':
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return actual;
  }
}

function typeError(at: Position, expected: string, actual: string, eff: EffectiveSchema, resolve: SchemaResolver): FieldTypeError {
  const field = formatPath(at.path);
  const shown = expected === 'int-or-string' ? 'integer,string' : expected;
  return {
    field,
    type: 'FieldValueInvalid',
    message: `Invalid value: "${actual}": ${field} in body must be of type ${shown}: "${actual}"`,
    expected,
    actual,
    decodeMessage: `json: cannot unmarshal ${goValueKind(actual)} into Go struct field ${at.owner}.${at.goPath.join('.')} of type ${goType(eff, resolve)}`,
  };
}
