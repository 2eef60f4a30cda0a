/**
 * The bridge between JSON values and field paths for server-side apply: which schema a
 * child has, how a list item is named (`k:` by its keys, `v:` by value), and which paths
 * are never tracked (identity and server-owned metadata, and the part of the object that
 * the request's subresource cannot change).
 */
import type { OpenApiSchema } from '../../../api/openapi-types.js';
import { canonicalJson, isObject } from '../json.js';
import { shapeOf, type SchemaView, type Shape } from '../schema.js';
import type { FieldPath, PathElement } from './fieldset.js';

export interface Typed {
  readonly view: SchemaView;
  /** Top-level fields not tracked for this request: `status` for the main resource, `spec` for `status`. */
  readonly ignoredTopLevel: ReadonlySet<string>;
}

const UNTRACKED_METADATA = new Set(['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']);

export function typedContext(view: SchemaView, subresource: string | undefined): Typed {
  const ignoredTopLevel = new Set(['apiVersion', 'kind', subresource === 'status' ? 'spec' : 'status']);
  return { view, ignoredTopLevel };
}

/** Fields skipped entirely (value and descendants) at `parent` + `key`. */
export function isUntracked(typed: Typed, parent: FieldPath, key: string): boolean {
  if (parent.length === 0) return typed.ignoredTopLevel.has(key);
  return parent.length === 1 && parent[0] === 'f:metadata' && UNTRACKED_METADATA.has(key);
}

/** `.metadata` itself is never a member (upstream strips it); its fields are. */
export function mayBeMember(path: FieldPath): boolean {
  return !(path.length === 1 && path[0] === 'f:metadata');
}

export interface ChildField {
  readonly schema: OpenApiSchema | undefined;
  /** Declared in `properties` (a struct field), as opposed to a key of a map. */
  readonly declared: boolean;
  /** Listed in the parent's `required`: treated as present (null) when absent, as Go's zero value is. */
  readonly required: boolean;
}

export function childField(typed: Typed, shape: Shape, key: string): ChildField {
  if (shape.kind !== 'object') return { schema: undefined, declared: false, required: false };
  const { schema, declared } = typed.view.field(shape.schema, key);
  return { schema, declared, required: declared && (shape.schema?.required ?? []).includes(key) };
}

/** True for an object schema with declared properties: a struct, whose own path upstream does not record. */
export function isStruct(typed: Typed, schema: OpenApiSchema | undefined): boolean {
  return typed.view.resolve(schema)?.properties !== undefined;
}

export function shape(typed: Typed, schema: OpenApiSchema | undefined): Shape {
  return shapeOf(typed.view, schema);
}

/** The element naming a list item: its keys (`k:`), its value for sets (`v:`), or its index as a last resort. */
export function itemElement(typed: Typed, listShape: Shape, item: unknown, index: number): PathElement {
  if (listShape.kind === 'list-set') return `v:${canonicalJson(item)}`;
  if (listShape.kind !== 'list-map' || !isObject(item)) return `i:${index}`;
  const itemSchema = typed.view.resolve(listShape.items);
  const keys: Record<string, unknown> = {};
  for (const key of listShape.keys) {
    const value = item[key] ?? typed.view.resolve(itemSchema?.properties?.[key])?.default;
    if (value !== undefined) keys[key] = value;
  }
  return Object.keys(keys).length > 0 ? `k:${canonicalJson(keys)}` : `i:${index}`;
}

/** The items of a list keyed by their path element (first one wins on duplicates). */
export function indexItems(typed: Typed, listShape: Shape, list: readonly unknown[]): Map<PathElement, unknown> {
  const out = new Map<PathElement, unknown>();
  list.forEach((item, i) => {
    const element = itemElement(typed, listShape, item, i);
    if (!out.has(element)) out.set(element, item);
  });
  return out;
}

/** Whether a value is walked into (true) or treated as one leaf (false) under `shape`. */
export function isGranular(s: Shape, value: unknown): boolean {
  switch (s.kind) {
    case 'object': return isObject(value) && Object.keys(value).length > 0;
    case 'deduced': return isObject(value) && Object.keys(value).length > 0;
    case 'list-map':
    case 'list-set': return Array.isArray(value);
    default: return false;
  }
}
