/**
 * Wire types and the shape of one resource registry entry. Discovery, `api-resources`,
 * OpenAPI/`explain`, routing, validation, defaulting and table printing all read the
 * registry (src/api/registry.ts); adding a resource is adding one entry. No I/O here.
 */

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [field: string]: unknown;
}

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** A field-level validation failure, as in upstream's field.Error. */
export interface FieldError {
  /** JSON path of the field, e.g. `spec.containers[0].image`. */
  readonly field: string;
  /** FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueDuplicate, FieldValueTooLong, FieldValueForbidden */
  readonly type: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueTooLong' | 'FieldValueForbidden';
  /** Human-readable detail, e.g. `Required value` or `Invalid value: "x": must be ...`. */
  readonly message: string;
}

/** A column of a meta.k8s.io/v1 Table. */
export interface TableColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  /** 0 = always shown, 1 = only with -o wide. */
  readonly priority: number;
}

/** What a strategy needs to know besides the object (injected, so tests are deterministic). */
export interface StrategyContext {
  /** Current time (RFC 3339 strings are derived from it). */
  readonly now: Date;
}

/**
 * Per-resource behaviour the generic store calls, in this order:
 * create: prepareForCreate -> defaults -> validate;
 * update: prepareForUpdate -> defaults -> validate(obj, old).
 * All mutate `obj` in place; validation returns every failure it finds.
 */
export interface ResourceStrategy {
  /** Resets fields clients may not set on create (e.g. status for most kinds). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /** Carries over what an update of the main resource may not change (e.g. status). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  /** Fills defaults as the upstream API server does (protocol TCP, imagePullPolicy, ...). */
  defaults?(obj: KubeObject): void;
  /** Field validation beyond the schema (names, required fields, enums, immutability). */
  validate?(obj: KubeObject, old: KubeObject | undefined): FieldError[];
  /** True when a spec change must bump metadata.generation (kinds with spec/status). */
  readonly usesGeneration?: boolean;
}

/** The `scale` subresource mapping, for kinds that have one. */
export interface ScaleSubresource {
  /** JSON path of desired replicas in the object, e.g. `.spec.replicas`. */
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

export interface ResourceType {
  readonly group: string;        // '' for core
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;       // resource name in URLs, e.g. 'pods'
  readonly singular: string;     // 'pod'
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
  /** Subresources served: 'status', 'scale', and streaming ones such as 'log', 'exec'. */
  readonly subresources: readonly string[];
  readonly scale?: ScaleSubresource;
  /** OpenAPI component name of the kind's schema, e.g. `io.k8s.api.core.v1.Pod`. */
  readonly schemaName: string;
  readonly strategy: ResourceStrategy;
  /** Table columns for `kubectl get` (Name first). */
  readonly columns: readonly TableColumn[];
  /** One cell per column, formatted as kubectl shows them (Age computed from ctx.now). */
  row(obj: KubeObject, ctx: StrategyContext): unknown[];
}

/** `apps/v1`, or `v1` for the core group. */
export function groupVersionString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}
