/**
 * The subset of OpenAPI v3 schema objects skiff reads and writes, with the Kubernetes
 * extensions that drive patching, apply and printing. Component names follow upstream
 * (`io.k8s.api.core.v1.PodSpec`); references are `#/components/schemas/<name>`, either as
 * `$ref` or as `allOf: [{ $ref }]` (the form upstream's v3 documents use for fields).
 */
export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  $ref?: string;
  allOf?: OpenApiSchema[];
  /** Strategic merge patch: the key that identifies list items (e.g. `name`). */
  'x-kubernetes-patch-merge-key'?: string;
  /** Strategic merge patch: `merge`, `replace`, `retainKeys`, or `merge,retainKeys`. */
  'x-kubernetes-patch-strategy'?: string;
  /** Server-side apply: how a list is owned (`atomic`, `set`, `map`). */
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
  [extension: `x-${string}`]: unknown;
}

/** Looks up a component schema by name (`io.k8s.api.core.v1.Pod`); undefined when unknown. */
export type SchemaResolver = (name: string) => OpenApiSchema | undefined;

/** The component name a `$ref` points at: `#/components/schemas/X` -> `X`. */
export function refName(ref: string): string {
  const i = ref.lastIndexOf('/');
  return i >= 0 ? ref.slice(i + 1) : ref;
}
