/**
 * The garbage collector (upstream pkg/controller/garbagecollector), for the kinds listed in
 * `collectedResources`:
 * - an object all of whose owners are gone is deleted (background cascading); one with some
 *   owners gone loses the dangling references;
 * - an owner being deleted with the `orphan` finalizer has its references removed from its
 *   dependents, then the finalizer;
 * - an owner being deleted with `foregroundDeletion` has its dependents deleted first; the
 *   finalizer goes once no dependent with blockOwnerDeletion remains.
 * The API server only marks objects (finalizers, deletionTimestamp); the dependents are ours.
 * Absence of an owner in the caches is confirmed with a GET before anything is deleted.
 * Besides the built-in kinds it watches every other listable, deletable resource discovery
 * reports (custom resources included), re-discovered periodically, as upstream does.
 */
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import { keyOf } from '../../client/informers/index.js';
import { Discovery } from '../../client/index.js';
import { ResourceClient, type GroupVersionResource } from '../../client/typed/index.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { gvr } from '../base/resources.js';
import { OwnerGraph } from './graph.js';

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';

/** Kinds whose objects own or are owned, by `apiVersion/kind`. */
export const collectedResources: ReadonlyArray<{ apiVersion: string; kind: string; gvr: GroupVersionResource }> = [
  { apiVersion: 'v1', kind: 'Pod', gvr: gvr.pods },
  { apiVersion: 'v1', kind: 'Service', gvr: gvr.services },
  { apiVersion: 'v1', kind: 'ConfigMap', gvr: { group: '', version: 'v1', resource: 'configmaps', namespaced: true } },
  { apiVersion: 'v1', kind: 'Secret', gvr: { group: '', version: 'v1', resource: 'secrets', namespaced: true } },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', gvr: { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true } },
  { apiVersion: 'v1', kind: 'Endpoints', gvr: { group: '', version: 'v1', resource: 'endpoints', namespaced: true } },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', gvr: gvr.replicaSets },
  { apiVersion: 'apps/v1', kind: 'Deployment', gvr: gvr.deployments },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', gvr: gvr.daemonSets },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', gvr: gvr.statefulSets },
  { apiVersion: 'apps/v1', kind: 'ControllerRevision', gvr: gvr.controllerRevisions },
  { apiVersion: 'batch/v1', kind: 'Job', gvr: gvr.jobs },
  { apiVersion: 'batch/v1', kind: 'CronJob', gvr: gvr.cronJobs },
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', gvr: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true } },
];

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
/** Never collected: events are not owned and churn too much to watch for nothing. */
const ignored = new Set(['/events', 'events.k8s.io/events']);

interface Watched { readonly kind: string; readonly gvr: GroupVersionResource; readonly client: ResourceClient<KubeObject> }

export interface GarbageCollectorOptions {
  /** How often discovery is re-read for new resources (0: never; default 30 s). */
  readonly rediscoverMs?: number;
}

type OwnerState = 'absent' | 'present' | 'waiting';

export class GarbageCollector extends QueueController {
  readonly name = 'garbage-collector';
  readonly graph = new OwnerGraph();
  private readonly watched: Watched[] = [];
  private readonly byGroupKind = new Map<string, number>();
  private discoveryTimer: NodeJS.Timeout | undefined;

  constructor(ctx: ControllerContext, private readonly o: GarbageCollectorOptions = {}, workers = 2) {
    super(ctx, workers);
  }

  setup(): void {
    for (const r of collectedResources) this.watch(r.kind, r.gvr);
  }

  override async run(): Promise<void> {
    const every = this.o.rediscoverMs ?? 30_000;
    const discovery = new Discovery(this.ctx.rest);
    const rediscover = async (): Promise<void> => {
      discovery.invalidate();
      try {
        for (const r of await discovery.preferredResources()) {
          if (r.resource.includes('/') || ignored.has(`${r.group}/${r.resource}`)) continue;
          if (!['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) continue;
          this.watch(r.kind, { group: r.group, version: r.version, resource: r.resource, namespaced: r.namespaced });
        }
      } catch (err: unknown) {
        this.ctx.log('garbage-collector: discovery failed', { err: err instanceof Error ? err.message : String(err) });
      }
      if (every > 0 && !this.queue.isShuttingDown) this.discoveryTimer = setTimeout(() => void rediscover(), every);
    };
    await rediscover();
    await super.run();
  }

  override stop(): void {
    if (this.discoveryTimer) clearTimeout(this.discoveryTimer);
    this.discoveryTimer = undefined;
    super.stop();
  }

  /** Starts watching a kind (once per group and kind). */
  private watch(kind: string, gvr: GroupVersionResource): void {
    const id = `${gvr.group}/${kind}`;
    if (this.byGroupKind.has(id)) return;
    const i = this.watched.length;
    this.watched.push({ kind, gvr, client: new ResourceClient<KubeObject>(this.ctx.rest, gvr) });
    this.byGroupKind.set(id, i);
    {
      const informer = this.ctx.informers.forResource(gvr);
      const itemKey = (obj: KubeObject): string => `${i}|${keyOf(obj)}`;
      const observe = (obj: KubeObject): void => {
        const key = itemKey(obj);
        this.graph.upsert(key, obj);
        if ((obj.metadata?.ownerReferences ?? []).length > 0 || obj.metadata?.deletionTimestamp) this.queue.add(key);
      };
      informer.addEventHandler({
        onAdd: observe,
        onUpdate: (_old, obj) => observe(obj),
        onDelete: (obj) => {
          const key = itemKey(obj);
          this.graph.remove(key);
          // Dependents may now be orphans; owners waiting for this dependent may finish.
          for (const dep of this.graph.dependentKeys(obj.metadata?.uid ?? '')) this.queue.add(dep);
          for (const ref of obj.metadata?.ownerReferences ?? []) {
            const owner = this.graph.byOwnerUid(ref.uid);
            if (owner) this.queue.add(owner.key);
          }
        },
      });
    }
  }

  private clientFor(key: string): ResourceClient<KubeObject> | undefined {
    return this.watched[Number(key.slice(0, key.indexOf('|')))]?.client;
  }

  protected async sync(key: string): Promise<void> {
    const obj = this.graph.get(key);
    const client = this.clientFor(key);
    if (!obj || !client) return;
    const finalizers = obj.metadata?.finalizers ?? [];
    if (obj.metadata?.deletionTimestamp) {
      if (finalizers.includes(orphanFinalizer)) await this.orphanDependents(obj, client);
      else if (finalizers.includes(foregroundFinalizer)) await this.deleteDependentsFirst(obj, client);
      return;
    }
    const refs = obj.metadata?.ownerReferences ?? [];
    if (refs.length === 0) return;
    const states = await Promise.all(refs.map((r) => this.ownerState(obj, r)));
    const dangling = refs.filter((_, i) => states[i] === 'absent');
    const solid = states.filter((s) => s === 'present').length;
    const waiting = states.filter((s) => s === 'waiting').length;
    if (solid > 0) {
      if (dangling.length > 0) {
        const keep = refs.filter((_, i) => states[i] !== 'absent');
        await this.patchIgnoringGone(client, obj, { metadata: { ownerReferences: keep, resourceVersion: obj.metadata?.resourceVersion } });
      }
      return;
    }
    if (dangling.length === 0 && waiting === 0) return;
    // Owners gone (or all deleting in the foreground): the dependent goes too.
    const hasDependents = this.graph.dependentKeys(obj.metadata?.uid ?? '').length > 0;
    const policy = waiting > 0 && hasDependents ? 'Foreground' : 'Background';
    await this.deleteIgnoringGone(client, obj, policy);
  }

  /** Whether the owner exists; a cache miss is confirmed against the API. */
  private async ownerState(dependent: KubeObject, ref: OwnerReference): Promise<OwnerState> {
    const cached = this.graph.byOwnerUid(ref.uid);
    if (cached) return cached.obj.metadata?.deletionTimestamp && (cached.obj.metadata.finalizers ?? []).includes(foregroundFinalizer) ? 'waiting' : 'present';
    const index = this.byGroupKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
    // Owners of kinds we do not watch are assumed to exist: never delete on a guess.
    const w = index === undefined ? undefined : this.watched[index];
    if (!w) return 'present';
    try {
      const owner = await w.client.get(w.gvr.namespaced ? dependent.metadata?.namespace : undefined, ref.name);
      return owner.metadata?.uid === ref.uid ? 'present' : 'absent';
    } catch (err: unknown) {
      if (isNotFound(err)) return 'absent';
      throw err;
    }
  }

  private async orphanDependents(owner: KubeObject, client: ResourceClient<KubeObject>): Promise<void> {
    const uid = owner.metadata?.uid ?? '';
    for (const depKey of this.graph.dependentKeys(uid)) {
      const dep = this.graph.get(depKey);
      const depClient = this.clientFor(depKey);
      if (!dep || !depClient) continue;
      const keep = (dep.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid);
      await this.patchIgnoringGone(depClient, dep, { metadata: { ownerReferences: keep.length > 0 ? keep : null, resourceVersion: dep.metadata?.resourceVersion } });
    }
    await this.removeFinalizer(client, owner, orphanFinalizer);
  }

  private async deleteDependentsFirst(owner: KubeObject, client: ResourceClient<KubeObject>): Promise<void> {
    const uid = owner.metadata?.uid ?? '';
    let blocking = 0;
    for (const depKey of this.graph.dependentKeys(uid)) {
      const dep = this.graph.get(depKey);
      const depClient = this.clientFor(depKey);
      if (!dep || !depClient) continue;
      const ref = dep.metadata?.ownerReferences?.find((r) => r.uid === uid);
      if (ref?.blockOwnerDeletion) blocking++;
      if (dep.metadata?.deletionTimestamp) continue;
      const policy = this.graph.dependentKeys(dep.metadata?.uid ?? '').length > 0 ? 'Foreground' : 'Background';
      await this.deleteIgnoringGone(depClient, dep, policy);
    }
    // Dependents' delete events re-enqueue the owner; finish once none blocks it.
    if (blocking === 0) await this.removeFinalizer(client, owner, foregroundFinalizer);
  }

  private async removeFinalizer(client: ResourceClient<KubeObject>, obj: KubeObject, finalizer: string): Promise<void> {
    const rest = (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
    await this.patchIgnoringGone(client, obj, { metadata: { finalizers: rest.length > 0 ? rest : null, resourceVersion: obj.metadata?.resourceVersion } });
  }

  private async patchIgnoringGone(client: ResourceClient<KubeObject>, obj: KubeObject, patch: unknown): Promise<void> {
    try {
      await client.patch(obj.metadata?.namespace, obj.metadata?.name ?? '', 'merge', patch);
    } catch (err: unknown) {
      if (isNotFound(err)) return;
      // A conflict means the cache is behind: the newer version's event re-enqueues us.
      if (err instanceof StatusError && err.code === 409) return;
      throw err;
    }
  }

  private async deleteIgnoringGone(client: ResourceClient<KubeObject>, obj: KubeObject, policy: 'Foreground' | 'Background'): Promise<void> {
    try {
      await client.delete(obj.metadata?.namespace, obj.metadata?.name ?? '', { propagationPolicy: policy, preconditions: { uid: obj.metadata?.uid ?? '' } });
    } catch (err: unknown) {
      if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return;
      throw err;
    }
  }
}
