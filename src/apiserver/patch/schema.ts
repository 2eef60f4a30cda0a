/**
 * Navigation over OpenAPI v3 component schemas: follows `$ref` and `allOf: [{ $ref }]`
 * through the resolver, and reads the Kubernetes extensions that drive strategic merge
 * patch (`x-kubernetes-patch-*`) and server-side apply (`x-kubernetes-list-*`, map type).
 * Extensions written beside an `allOf` (the field) win over the referenced component's.
 */
import { refName, type OpenApiSchema, type SchemaResolver } from '../../api/openapi-types.js';

const MAX_REF_DEPTH = 32;
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export class SchemaView {
  private readonly flattened = new WeakMap<OpenApiSchema, OpenApiSchema>();

  constructor(private readonly resolver: SchemaResolver | undefined) {}

  /**
   * The flattened schema of a component (`io.k8s.api.core.v1.Pod`), undefined when unknown.
   * A kind whose `metadata` is an untyped object (as CRD schemas write it) gets ObjectMeta
   * there, as upstream types metadata of every kind, so labels and annotations are maps.
   */
  component(name: string): OpenApiSchema | undefined {
    const found = this.resolver?.(name);
    const flat = found ? this.resolve(found) : undefined;
    const metadata = flat?.properties?.metadata;
    if (!flat || !metadata || this.resolve(metadata)?.properties || !this.resolver?.(OBJECT_META)) return flat;
    return { ...flat, properties: { ...flat.properties, metadata: { $ref: `#/components/schemas/${OBJECT_META}` } } };
  }

  /** One schema with its reference chain merged in; properties are not resolved (lazily, per field). */
  resolve(schema: OpenApiSchema | undefined): OpenApiSchema | undefined {
    if (!schema) return undefined;
    const cached = this.flattened.get(schema);
    if (cached) return cached;
    const out = this.flatten(schema, 0);
    this.flattened.set(schema, out);
    return out;
  }

  /** The raw schema of field `name` of an object schema: a declared property, else additionalProperties. */
  field(parent: OpenApiSchema | undefined, name: string): { schema: OpenApiSchema | undefined; declared: boolean } {
    const resolved = this.resolve(parent);
    const declared = resolved?.properties?.[name];
    if (declared) return { schema: declared, declared: true };
    const extra = resolved?.additionalProperties;
    return { schema: typeof extra === 'object' ? extra : undefined, declared: false };
  }

  /** The flattened item schema of an array schema. */
  items(list: OpenApiSchema | undefined): OpenApiSchema | undefined {
    return this.resolve(this.resolve(list)?.items);
  }

  private flatten(schema: OpenApiSchema, depth: number): OpenApiSchema {
    if (depth > MAX_REF_DEPTH) return schema;
    const targets: OpenApiSchema[] = [];
    if (schema.$ref) {
      const target = this.resolver?.(refName(schema.$ref));
      if (target) targets.push(this.flatten(target, depth + 1));
    }
    for (const part of schema.allOf ?? []) targets.push(this.flatten(part, depth + 1));
    if (targets.length === 0) return schema;
    const out: Record<string, unknown> = {};
    for (const target of targets) {
      for (const [k, v] of Object.entries(target)) if (!(k in out)) out[k] = v;
    }
    for (const [k, v] of Object.entries(schema)) {
      if (k !== '$ref' && k !== 'allOf') out[k] = v;
    }
    return out as OpenApiSchema;
  }
}

/** Strategic merge patch metadata of a field: strategy (`merge`, `replace` or none), retainKeys, merge key. */
export interface PatchMeta {
  readonly strategy: 'merge' | 'replace' | '';
  readonly retainKeys: boolean;
  readonly mergeKey: string;
}

export function patchMeta(view: SchemaView, fieldSchema: OpenApiSchema | undefined): PatchMeta {
  const raw = fieldSchema ?? {};
  const resolved = view.resolve(fieldSchema) ?? {};
  const strategyText = String(raw['x-kubernetes-patch-strategy'] ?? resolved['x-kubernetes-patch-strategy'] ?? '');
  const parts = strategyText.split(',').map((s) => s.trim()).filter(Boolean);
  const primary = parts.find((p) => p !== 'retainKeys');
  return {
    strategy: primary === 'merge' || primary === 'replace' ? primary : '',
    retainKeys: parts.includes('retainKeys'),
    mergeKey: String(raw['x-kubernetes-patch-merge-key'] ?? resolved['x-kubernetes-patch-merge-key'] ?? ''),
  };
}

/**
 * How server-side apply treats a value, as structured-merge-diff derives it from OpenAPI:
 * lists are `map` (keyed items), `set` (scalar items) or `atomic`; objects are structs
 * (declared properties), granular maps, or atomic. `deduced` is used where no schema is known.
 */
export type Shape =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'atomic' }
  | { readonly kind: 'object'; readonly schema: OpenApiSchema | undefined }
  | { readonly kind: 'list-map'; readonly keys: readonly string[]; readonly items: OpenApiSchema | undefined }
  | { readonly kind: 'list-set' }
  | { readonly kind: 'deduced' };

export function shapeOf(view: SchemaView, schema: OpenApiSchema | undefined): Shape {
  const s = view.resolve(schema);
  if (!s) return { kind: 'deduced' };
  if (s['x-kubernetes-int-or-string']) return { kind: 'scalar' };
  const isArray = s.type === 'array' || s.items !== undefined;
  if (isArray) {
    const listType = s['x-kubernetes-list-type'];
    const meta = patchMeta(view, schema);
    if (listType === 'map' || (listType === undefined && meta.strategy === 'merge' && meta.mergeKey)) {
      const keys = s['x-kubernetes-list-map-keys'] ?? (meta.mergeKey ? [meta.mergeKey] : []);
      return { kind: 'list-map', keys, items: s.items };
    }
    if (listType === 'set' || (listType === undefined && meta.strategy === 'merge')) return { kind: 'list-set' };
    return { kind: 'atomic' };
  }
  const isObjectType = s.type === 'object' || s.properties !== undefined || s.additionalProperties !== undefined;
  if (isObjectType) {
    if (s['x-kubernetes-map-type'] === 'atomic') return { kind: 'atomic' };
    if (!s.properties && s.additionalProperties === undefined) return { kind: 'deduced' };
    return { kind: 'object', schema: s };
  }
  if (s.type === undefined && s['x-kubernetes-preserve-unknown-fields']) return { kind: 'deduced' };
  return { kind: 'scalar' };
}
