/** Everything a request handler needs, built once per server. */
import type { Logger } from 'pino';
import type { KubeObject, ResourceType } from '../api/types.js';
import type { Catalog } from './catalog.js';
import type { OpenApiService } from './openapi.js';
import type { Patcher } from './patcher.js';
import type { ObjectStorage } from './storage/objects.js';
import type { SubresourceHandler } from './resource-handler.js';

/** Reactions of the server to its own writes (CRDs register resources, namespaces finalize). */
export interface WriteHooks {
  /** Called after a successful, non-dry-run write. */
  afterWrite(rt: ResourceType, type: 'create' | 'update' | 'delete', obj: KubeObject): void;
  /** Last say on an object about to be stored, with I/O allowed (e.g. service IP allocation); not run for dry runs. */
  beforeStore?(rt: ResourceType, obj: KubeObject, old: KubeObject | undefined): Promise<void>;
}

export interface ApiContext {
  readonly storage: ObjectStorage;
  readonly catalog: Catalog;
  readonly patcher: Patcher;
  readonly openapi: OpenApiService;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly hooks: WriteHooks;
  /** Interval between BOOKMARK events on watches that allow them. */
  readonly bookmarkIntervalMs: number;
  /** Handlers other components registered for subresources, keyed `group/plural/subresource` (e.g. `/pods/log`). */
  readonly subresourceHandlers: ReadonlyMap<string, SubresourceHandler>;
  /** True for resources defined by CustomResourceDefinitions. */
  isCustom(rt: ResourceType): boolean;
  /** Signals that the server is closing: long-running requests end. */
  readonly closing: AbortSignal;
}

/** RFC 3339 with seconds precision, as Kubernetes timestamps. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
