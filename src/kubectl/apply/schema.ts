/**
 * Walking OpenAPI v3 schemas for strategic merge: the schema of a field (following `$ref`
 * and single-entry `allOf`), and a list field's merge key and strategy.
 */
import { refName } from '../../api/openapi-types.js';
import type { OpenApiSchema, SchemaResolver } from '../../api/openapi-types.js';

export interface SchemaCursor {
  schema: OpenApiSchema | undefined;
  resolver: SchemaResolver;
}

/** Follows `$ref` and `allOf: [{$ref}]` to the schema that has the properties. */
export function deref(schema: OpenApiSchema | undefined, resolver: SchemaResolver): OpenApiSchema | undefined {
  let s = schema;
  for (let hops = 0; s && hops < 10; hops++) {
    if (s.$ref) { s = resolver(refName(s.$ref)); continue; }
    if (s.allOf && s.allOf.length === 1 && !s.properties) { s = s.allOf[0]; continue; }
    break;
  }
  return s;
}

/** The (unresolved) schema of `field` inside an object schema. */
export function fieldSchema(cursor: SchemaCursor, field: string): SchemaCursor {
  const s = deref(cursor.schema, cursor.resolver);
  const prop = s?.properties?.[field] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
  return { schema: prop, resolver: cursor.resolver };
}

/** The schema of the items of a list field. */
export function itemSchema(cursor: SchemaCursor): SchemaCursor {
  const s = deref(cursor.schema, cursor.resolver);
  return { schema: s?.items, resolver: cursor.resolver };
}

/** Merge key and strategy of a list field (the extensions sit on the field, not its items). */
export function listStrategy(cursor: SchemaCursor): { mergeKey?: string; merge: boolean } {
  const own = cursor.schema;
  const resolved = deref(own, cursor.resolver);
  const strategy = String(own?.['x-kubernetes-patch-strategy'] ?? resolved?.['x-kubernetes-patch-strategy'] ?? '');
  const mergeKey = own?.['x-kubernetes-patch-merge-key'] ?? resolved?.['x-kubernetes-patch-merge-key'];
  const merge = strategy.split(',').includes('merge');
  return mergeKey ? { mergeKey, merge } : { merge };
}
