/**
 * Resolves a schema as validators see it: `$ref` and `allOf` members folded into one
 * effective schema (properties merged, the first type / items / additionalProperties kept,
 * extension flags ORed). Used by the unknown-field and type checks.
 */
import type { OpenApiSchema, SchemaResolver } from '../openapi-types.js';
import { refName } from '../openapi-types.js';

export interface EffectiveSchema {
  readonly type?: string;
  readonly format?: string;
  readonly properties?: Record<string, OpenApiSchema>;
  readonly additionalProperties?: OpenApiSchema | boolean;
  readonly items?: OpenApiSchema;
  readonly intOrString: boolean;
  readonly preserveUnknown: boolean;
  readonly embeddedResource: boolean;
  /** Short name of the component this schema came from (`ContainerPort`), when known. */
  readonly componentName?: string;
  /** Full name of that component (`io.k8s.api.core.v1.ContainerPort`). */
  readonly component?: string;
}

interface Mutable {
  type?: string;
  format?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  intOrString: boolean;
  preserveUnknown: boolean;
  embeddedResource: boolean;
  componentName?: string;
  component?: string;
}

export function effectiveSchema(schema: OpenApiSchema, resolve: SchemaResolver): EffectiveSchema {
  const out: Mutable = { intOrString: false, preserveUnknown: false, embeddedResource: false };
  fold(schema, resolve, out, 0);
  return out;
}

function fold(schema: OpenApiSchema, resolve: SchemaResolver, out: Mutable, depth: number): void {
  if (depth > 32) return;
  if (schema.type && !out.type) out.type = schema.type;
  if (schema.format && !out.format) out.format = schema.format;
  if (schema.properties) out.properties = { ...(out.properties ?? {}), ...schema.properties };
  if (schema.additionalProperties !== undefined && out.additionalProperties === undefined) out.additionalProperties = schema.additionalProperties;
  if (schema.items && !out.items) out.items = schema.items;
  if (schema['x-kubernetes-int-or-string'] === true) out.intOrString = true;
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) out.preserveUnknown = true;
  if (schema['x-kubernetes-embedded-resource'] === true) out.embeddedResource = true;
  if (schema.$ref) {
    const name = refName(schema.$ref);
    const target = resolve(name);
    if (!out.component) {
      out.component = name;
      out.componentName = name.slice(name.lastIndexOf('.') + 1);
    }
    if (target) fold(target, resolve, out, depth + 1);
  }
  for (const sub of schema.allOf ?? []) fold(sub, resolve, out, depth + 1);
}

/** JSON type of a value in OpenAPI terms (`integer` for whole numbers). */
export function jsonType(value: unknown): 'null' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'number': return Number.isInteger(value) ? 'integer' : 'number';
    default: return 'object';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
