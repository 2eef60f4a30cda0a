/**
 * The DaemonSet controller (upstream pkg/controller/daemon): one pod per eligible node
 * (placement.ts), pinned by node affinity for the scheduler to bind; pods on nodes that no
 * longer qualify, extra pods and failed pods are deleted. RollingUpdate replaces pods of
 * older revisions (ControllerRevisions, `controller-revision-hash`) while at most
 * maxUnavailable nodes lack an available pod; OnDelete waits for users to delete them.
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import { keyOf, splitKey, type Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { labelSelectorFromObject } from '../../machinery/selectors.js';
import { claimObjects } from '../base/claim.js';
import { byControllerIndex, claimCandidates, type InformerIndex } from '../base/informer-index.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { RevisionHistory, revisionHashLabel, type ControllerRevision } from '../base/controller-revisions.js';
import { Expectations } from '../base/expectations.js';
import { stableJson } from '../base/hash.js';
import { scaledValue } from '../base/int-or-percent.js';
import type { Pod, PodTemplate } from '../base/objects.js';
import { controllerRefOf, newControllerRef } from '../base/owners.js';
import { podFromTemplate } from '../base/pod-template.js';
import { isPodActive, isPodAvailable } from '../base/pods.js';
import { gvr } from '../base/resources.js';
import { slowStartBatch } from '../base/slow-start.js';
import { nodeOfPod, shouldRunOn, templateForNode, type NodeObject } from './placement.js';

export interface DaemonSet extends KubeObject {
  metadata: NonNullable<KubeObject['metadata']>;
  spec: {
    selector: { matchLabels?: Record<string, string> };
    template: PodTemplate;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  };
  status?: Record<string, unknown>;
}

export class DaemonSetController extends QueueController {
  readonly name = 'daemonset';
  readonly expectations = new Expectations();
  private dsInformer!: Informer<DaemonSet>;
  private podInformer!: Informer<Pod>;
  private podsByOwner!: InformerIndex<Pod>;
  private nodeInformer!: Informer<NodeObject & KubeObject>;
  private crInformer!: Informer<ControllerRevision>;
  private readonly dsClient: ResourceClient<DaemonSet>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly history: RevisionHistory;

  constructor(ctx: ControllerContext, workers = 2) {
    super(ctx, workers);
    this.dsClient = new ResourceClient<DaemonSet>(ctx.rest, gvr.daemonSets);
    this.podClient = new ResourceClient<Pod>(ctx.rest, gvr.pods);
    this.history = new RevisionHistory(ctx.rest);
  }

  setup(): void {
    this.dsInformer = this.ctx.informers.forResource<DaemonSet>(gvr.daemonSets);
    this.podInformer = this.ctx.informers.forResource<Pod>(gvr.pods);
    this.podsByOwner = byControllerIndex(this.podInformer);
    this.nodeInformer = this.ctx.informers.forResource<NodeObject & KubeObject>(gvr.nodes);
    this.crInformer = this.ctx.informers.forResource<ControllerRevision>(gvr.controllerRevisions);
    this.dsInformer.addEventHandler({ onAdd: (d) => this.enqueue(d), onUpdate: (_o, d) => this.enqueue(d), onDelete: (d) => this.expectations.delete(keyOf(d)) });
    const owner = (pod: Pod): DaemonSet | undefined => {
      const ref = controllerRefOf(pod);
      if (ref?.kind !== 'DaemonSet') return undefined;
      const ds = this.dsInformer.lister.get(pod.metadata.namespace, ref.name);
      return ds?.metadata.uid === ref.uid ? ds : undefined;
    };
    this.podInformer.addEventHandler({
      onAdd: (p) => { const ds = owner(p); if (ds) { this.expectations.creationObserved(keyOf(ds)); this.enqueue(ds); } },
      onUpdate: (_o, p) => { const ds = owner(p); if (ds) this.enqueue(ds); },
      onDelete: (p) => { const ds = owner(p); if (ds) { this.expectations.deletionObserved(keyOf(ds)); this.enqueue(ds); } },
    });
    // Any node change may change where daemons belong.
    const all = (): void => { for (const ds of this.dsInformer.lister.list()) this.enqueue(ds); };
    this.nodeInformer.addEventHandler({ onAdd: all, onUpdate: (o, n) => { if (JSON.stringify([o.metadata?.labels, o.spec]) !== JSON.stringify([n.metadata?.labels, n.spec])) all(); }, onDelete: all });
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ds = this.dsInformer.lister.get(namespace, name);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const sel = labelSelectorFromObject(ds.spec.selector);
    if (!sel.ok) return;
    const owned = this.crInformer.lister.list({ namespace: namespace ?? '' }).filter((cr) => controllerRefOf(cr)?.uid === ds.metadata.uid);
    const { hash } = await this.history.ensure({ owner: ds, kind: 'DaemonSet', template: ds.spec.template, owned, selectorLabels: ds.spec.selector.matchLabels ?? {} });
    const pods = await claimObjects({ owner: ds, ownerRef: newControllerRef(ds, 'apps/v1', 'DaemonSet'), selector: sel.value, candidates: claimCandidates(this.podsByOwner, ds), client: this.podClient });
    const byNode = new Map<string, Pod[]>();
    const toDelete: Pod[] = [];
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      if (pod.status?.phase === 'Failed') { toDelete.push(pod); continue; }
      const node = nodeOfPod(pod);
      if (!node) { toDelete.push(pod); continue; }
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const nodes = this.nodeInformer.lister.list();
    const eligible = nodes.filter((n) => shouldRunOn(ds.spec.template, n));
    const eligibleNames = new Set(eligible.map((n) => n.metadata.name ?? ''));
    const toCreate: string[] = [];
    for (const n of eligible) {
      const here = (byNode.get(n.metadata.name ?? '') ?? []).sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? ''));
      if (here.length === 0) toCreate.push(n.metadata.name ?? '');
      else toDelete.push(...here.slice(1));
    }
    for (const [node, here] of byNode) if (!eligibleNames.has(node)) toDelete.push(...here);
    const now = this.ctx.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (this.expectations.satisfied(key) && !ds.metadata.deletionTimestamp) {
      if (ds.spec.updateStrategy?.type !== 'OnDelete' && toCreate.length === 0 && toDelete.length === 0) {
        toDelete.push(...this.rollingVictims(ds, eligible.map((n) => byNode.get(n.metadata.name ?? '')?.[0]), hash, now));
      }
      await this.manage(key, ds, hash, toCreate, toDelete);
    }
    await this.writeStatus(ds, eligible, byNode, hash, now);
    if (minReady > 0) this.queue.addAfter(key, minReady * 1000);
  }

  /** Old-revision pods to replace now: unavailable ones freely, then available ones within maxUnavailable. */
  private rollingVictims(ds: DaemonSet, podPerNode: Array<Pod | undefined>, hash: string, now: Date): Pod[] {
    const desired = podPerNode.length;
    const maxUnavailable = Math.max(1, scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable, desired, true, 1));
    const available = (p: Pod | undefined): boolean => p !== undefined && isPodActive(p) && isPodAvailable(p, ds.spec.minReadySeconds ?? 0, now);
    let unavailable = podPerNode.filter((p) => !available(p)).length;
    const victims: Pod[] = [];
    for (const p of podPerNode) if (p && p.metadata.labels?.[revisionHashLabel] !== hash && !available(p)) victims.push(p);
    for (const p of podPerNode) {
      if (!p || p.metadata.labels?.[revisionHashLabel] === hash || !available(p)) continue;
      if (unavailable >= maxUnavailable) break;
      victims.push(p);
      unavailable++;
    }
    return victims;
  }

  private async manage(key: string, ds: DaemonSet, hash: string, toCreate: string[], toDelete: Pod[]): Promise<void> {
    if (toCreate.length === 0 && toDelete.length === 0) return;
    this.expectations.expectCreations(key, toCreate.length);
    const del = this.expectations;
    let firstError: unknown;
    const queue = [...toCreate];
    const { successes, error } = await slowStartBatch(toCreate.length, 1, async () => {
      const node = queue.shift() ?? '';
      const pod = podFromTemplate(templateForNode(ds.spec.template, node), {
        namespace: ds.metadata.namespace ?? 'default', generateName: `${ds.metadata.name}-`,
        ownerRef: newControllerRef(ds, 'apps/v1', 'DaemonSet'),
        extraLabels: { [revisionHashLabel]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
      });
      const created = await this.podClient.create(pod.metadata.namespace, pod);
      this.ctx.events('daemonset-controller', { apiVersion: 'apps/v1', kind: 'DaemonSet' }).event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    });
    for (let i = successes; i < toCreate.length; i++) del.creationObserved(key);
    if (error !== undefined) firstError = error;
    for (const p of toDelete) {
      try {
        await this.podClient.delete(p.metadata.namespace, p.metadata.name ?? '');
      } catch (err: unknown) {
        if (!isNotFound(err)) firstError ??= err;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  private async writeStatus(ds: DaemonSet, eligible: NodeObject[], byNode: Map<string, Pod[]>, hash: string, now: Date): Promise<void> {
    const eligibleNames = new Set(eligible.map((n) => n.metadata.name ?? ''));
    let current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
    for (const [node, pods] of byNode) {
      if (!eligibleNames.has(node)) { misscheduled++; continue; }
      current++;
      const p = pods[0];
      if (!p) continue;
      if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready++;
      if (p.metadata.labels?.[revisionHashLabel] === hash) updated++;
      if (isPodAvailable(p, ds.spec.minReadySeconds ?? 0, now)) available++;
    }
    const status: Record<string, unknown> = {
      currentNumberScheduled: current, numberMisscheduled: misscheduled, desiredNumberScheduled: eligible.length,
      numberReady: ready, observedGeneration: ds.metadata.generation ?? 0, updatedNumberScheduled: updated,
      numberAvailable: available, numberUnavailable: Math.max(0, eligible.length - available),
    };
    if (status['numberAvailable'] === 0) delete status['numberAvailable'];
    if (status['numberUnavailable'] === 0) delete status['numberUnavailable'];
    if (stableJson(status) === stableJson(ds.status ?? {})) return;
    try {
      await this.dsClient.updateStatus({ ...structuredClone(ds), status });
    } catch (err: unknown) {
      if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return;
      throw err;
    }
  }
}
