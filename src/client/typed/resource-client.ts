/**
 * A client for one resource (group, version, plural) over RestClient: the verbs client-go's
 * dynamic client offers, with paths built once. Namespace is an argument per call, so one
 * client serves every namespace (and `undefined` lists across all of them).
 */
import type { KubeObject } from '../../api/types.js';
import type { Query, RestClient, WatchEvent } from '../rest.js';

export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  /** The plural, as in URLs: `pods`. */
  readonly resource: string;
  readonly namespaced: boolean;
}

export interface ListMeta { resourceVersion?: string; continue?: string; remainingItemCount?: number }

export interface ObjectList<T extends KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface WriteOptions { fieldManager?: string; dryRun?: boolean; force?: boolean }

function writeQuery(o: WriteOptions | undefined): Query | undefined {
  if (!o) return undefined;
  return { fieldManager: o.fieldManager, dryRun: o.dryRun ? 'All' : undefined, force: o.force };
}

export class ResourceClient<T extends KubeObject = KubeObject> {
  private readonly prefix: string;

  constructor(readonly rest: RestClient, readonly gvr: GroupVersionResource) {
    this.prefix = gvr.group === '' ? `/api/${gvr.version}` : `/apis/${gvr.group}/${gvr.version}`;
  }

  /** The URL path of the collection, an object, or an object's subresource. */
  path(namespace: string | undefined, name?: string, subresource?: string): string {
    let p = this.prefix;
    if (this.gvr.namespaced && namespace !== undefined && namespace !== '') p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${this.gvr.resource}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource !== undefined) p += `/${subresource}`;
    return p;
  }

  list(namespace: string | undefined, opts: ListOptions = {}): Promise<ObjectList<T>> {
    return this.rest.get<ObjectList<T>>(this.path(namespace), { ...opts });
  }

  get(namespace: string | undefined, name: string): Promise<T> {
    return this.rest.get<T>(this.path(namespace, name));
  }

  create(namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T> {
    return this.rest.create<T>(this.path(namespace ?? obj.metadata?.namespace), obj, writeQuery(opts));
  }

  update(obj: T, opts?: WriteOptions): Promise<T> {
    return this.rest.update<T>(this.path(obj.metadata?.namespace, obj.metadata?.name ?? ''), obj, writeQuery(opts));
  }

  updateStatus(obj: T, opts?: WriteOptions): Promise<T> {
    return this.rest.update<T>(this.path(obj.metadata?.namespace, obj.metadata?.name ?? '', 'status'), obj, writeQuery(opts));
  }

  patch(namespace: string | undefined, name: string, type: PatchType, body: unknown, opts?: WriteOptions & { subresource?: string }): Promise<T> {
    return this.rest.patch<T>(this.path(namespace, name, opts?.subresource), body, patchContentTypes[type], writeQuery(opts));
  }

  /** POST to a subresource (pods/binding, pods/eviction); returns the server's answer. */
  createSubresource<R = unknown>(namespace: string | undefined, name: string, subresource: string, body: unknown, opts?: WriteOptions): Promise<R> {
    return this.rest.create<R>(this.path(namespace, name, subresource), body, writeQuery(opts));
  }

  delete(namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<unknown> {
    const body = opts ? { kind: 'DeleteOptions', apiVersion: 'v1', ...opts } : undefined;
    return this.rest.delete(this.path(namespace, name), body);
  }

  watch(namespace: string | undefined, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const { signal, ...query } = opts;
    return this.rest.watch<T>(this.path(namespace), { ...query }, signal ? { signal } : {});
  }
}

/** The resources the scheduler, controllers and simulator use most. */
export const coreResources = {
  pods: { group: '', version: 'v1', resource: 'pods', namespaced: true },
  nodes: { group: '', version: 'v1', resource: 'nodes', namespaced: false },
  events: { group: '', version: 'v1', resource: 'events', namespaced: true },
  namespaces: { group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true },
  services: { group: '', version: 'v1', resource: 'services', namespaced: true },
  replicaSets: { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  jobs: { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true },
  priorityClasses: { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', namespaced: false },
} as const satisfies Record<string, GroupVersionResource>;
