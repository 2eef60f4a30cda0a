/**
 * The ReplicaSet controller (upstream pkg/controller/replicaset): keeps spec.replicas active
 * pods matching the selector, owned with controller=true; adopts and releases by selector;
 * deletes the cheapest pods first; reports status. Pod events only enqueue the owning
 * ReplicaSet's key and settle expectations.
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import { keyOf, splitKey, type Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { labelSelectorFromObject, labelSelectorFromSet, type LabelSelector } from '../../machinery/selectors.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { Expectations } from '../base/expectations.js';
import { claimObjects } from '../base/claim.js';
import { byControllerIndex, claimCandidates, type InformerIndex } from '../base/informer-index.js';
import type { Pod, ReplicaSet } from '../base/objects.js';
import { controllerRefOf, newControllerRef } from '../base/owners.js';
import { podFromTemplate } from '../base/pod-template.js';
import { isPodActive } from '../base/pods.js';
import { gvr } from '../base/resources.js';
import { slowStartBatch } from '../base/slow-start.js';
import { podsToDelete } from './ranking.js';
import { calculateStatus, sameStatus } from './status.js';

/** Upstream's cap on creates or deletes per sync, so one sync cannot flood the API. */
const burstReplicas = 500;

export class ReplicaSetController extends QueueController {
  readonly name = 'replicaset';
  readonly expectations = new Expectations();
  private rsInformer!: Informer<ReplicaSet>;
  private podInformer!: Informer<Pod>;
  private podsByOwner!: InformerIndex<Pod>;
  private readonly rsClient: ResourceClient<ReplicaSet>;
  private readonly podClient: ResourceClient<Pod>;

  constructor(ctx: ControllerContext, workers = 4) {
    super(ctx, workers);
    this.rsClient = new ResourceClient<ReplicaSet>(ctx.rest, gvr.replicaSets);
    this.podClient = new ResourceClient<Pod>(ctx.rest, gvr.pods);
  }

  setup(): void {
    this.rsInformer = this.ctx.informers.forResource<ReplicaSet>(gvr.replicaSets);
    this.podInformer = this.ctx.informers.forResource<Pod>(gvr.pods);
    this.podsByOwner = byControllerIndex(this.podInformer);
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (_old, rs) => this.enqueue(rs),
      onDelete: (rs) => { this.expectations.delete(keyOf(rs)); this.enqueue(rs); },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => {
        const owner = this.owningReplicaSet(pod);
        if (owner) {
          this.expectations.creationObserved(keyOf(owner));
          this.enqueue(owner);
        } else if (!controllerRefOf(pod)) this.enqueueMatching(pod);
      },
      onUpdate: (old, pod) => {
        const oldOwner = this.owningReplicaSet(old);
        const owner = this.owningReplicaSet(pod);
        if (oldOwner && oldOwner !== owner) this.enqueue(oldOwner);
        if (owner) {
          // A pod that starts terminating is as good as deleted for the count.
          if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) this.expectations.deletionObserved(keyOf(owner));
          this.enqueue(owner);
        } else if (!controllerRefOf(pod)) this.enqueueMatching(pod);
      },
      onDelete: (pod) => {
        const owner = this.owningReplicaSet(pod);
        if (!owner) return;
        this.expectations.deletionObserved(keyOf(owner));
        this.enqueue(owner);
      },
    });
  }

  private owningReplicaSet(pod: Pod): ReplicaSet | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.rsInformer.lister.get(pod.metadata.namespace, ref.name);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  private enqueueMatching(pod: Pod): void {
    for (const rs of this.rsInformer.lister.list({ namespace: pod.metadata.namespace ?? '' })) {
      const sel = labelSelectorFromObject(rs.spec.selector);
      if (sel.ok && sel.value.matches(pod.metadata.labels)) this.enqueue(rs);
    }
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const rs = this.rsInformer.lister.get(namespace, name);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const parsed = labelSelectorFromObject(rs.spec.selector);
    if (!parsed.ok) {
      this.ctx.log(`replicaset: ${key} has an invalid selector`, { err: parsed.error });
      return;
    }
    const selector = parsed.value;
    const pods = await this.claimPods(rs, selector);
    const active = pods.filter(isPodActive);
    let failure: unknown;
    if (this.expectations.satisfied(key) && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, rs, active);
      } catch (err: unknown) {
        failure = err;
      }
    }
    // A failed create or delete shows as the ReplicaFailure condition, then retries with backoff.
    await this.updateStatus(rs, active, failure);
    if (failure !== undefined) throw failure;
  }

  private async claimPods(rs: ReplicaSet, selector: LabelSelector): Promise<Pod[]> {
    const candidates = claimCandidates(this.podsByOwner, rs);
    return claimObjects({ owner: rs, ownerRef: newControllerRef(rs, 'apps/v1', 'ReplicaSet'), selector, candidates, client: this.podClient });
  }

  private async manageReplicas(key: string, rs: ReplicaSet, active: Pod[]): Promise<void> {
    const diff = active.length - (rs.spec.replicas ?? 1);
    if (diff < 0) {
      const want = Math.min(-diff, burstReplicas);
      this.expectations.expectCreations(key, want);
      const pod = podFromTemplate(rs.spec.template, { namespace: rs.metadata.namespace ?? 'default', generateName: `${rs.metadata.name}-`, ownerRef: newControllerRef(rs, 'apps/v1', 'ReplicaSet') });
      const events = this.ctx.events('replicaset-controller', { apiVersion: 'apps/v1', kind: 'ReplicaSet' });
      const { successes, error } = await slowStartBatch(want, 1, async () => {
        const created = await this.podClient.create(pod.metadata.namespace, structuredClone(pod));
        events.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      });
      if (error !== undefined) events.event(rs, 'Warning', 'FailedCreate', `Error creating: ${error instanceof Error ? error.message : String(error)}`);
      // Creates never attempted or failed will never be observed: stop waiting for them.
      for (let i = successes; i < want; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      const victims = podsToDelete(active, Math.min(diff, burstReplicas));
      this.expectations.expectDeletions(key, victims.length);
      const results = await Promise.allSettled(victims.map((p) => this.podClient.delete(p.metadata.namespace, p.metadata.name ?? '')));
      let firstError: unknown;
      results.forEach((r, i) => { if (r.status === 'fulfilled') this.ctx.events('replicaset-controller', { apiVersion: 'apps/v1', kind: 'ReplicaSet' }).event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${victims[i]?.metadata.name}`); });
      for (const r of results) {
        if (r.status === 'fulfilled') continue;
        this.expectations.deletionObserved(key);
        if (!isNotFound(r.reason)) firstError ??= r.reason;
      }
      if (firstError !== undefined) throw firstError;
    }
  }

  private async updateStatus(rs: ReplicaSet, active: Pod[], failure: unknown): Promise<void> {
    const now = this.ctx.now();
    const templateLabels = labelSelectorFromSet(rs.spec.template.metadata?.labels ?? {});
    const status = calculateStatus(rs, active, now, templateLabels);
    const others = (status.conditions ?? []).filter((c) => (c as { type?: string }).type !== 'ReplicaFailure');
    if (failure !== undefined) {
      const creating = active.length < (rs.spec.replicas ?? 1);
      const message = failure instanceof Error ? failure.message : String(failure);
      const existing = (rs.status?.conditions ?? []).find((c) => (c as { type?: string }).type === 'ReplicaFailure') as { message?: string; lastTransitionTime?: string } | undefined;
      others.push({ type: 'ReplicaFailure', status: 'True', reason: creating ? 'FailedCreate' : 'FailedDelete', message, lastTransitionTime: existing?.lastTransitionTime ?? now.toISOString().replace(/\.\d{3}Z$/, 'Z') });
    } else if (active.length !== (rs.spec.replicas ?? 1)) {
      // Still converging: a past failure stays until the count is right.
      const existing = (rs.status?.conditions ?? []).find((c) => (c as { type?: string }).type === 'ReplicaFailure');
      if (existing) others.push(existing);
    }
    if (others.length > 0) status.conditions = others;
    else delete status.conditions;
    if (!sameStatus(rs.status, status)) {
      try {
        await this.rsClient.updateStatus({ ...structuredClone(rs), status });
      } catch (err: unknown) {
        // A newer version exists: its update event re-enqueues the key.
        if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return;
        throw err;
      }
    }
    // Pods become available minReadySeconds after ready: look again then.
    const minReady = rs.spec.minReadySeconds ?? 0;
    if (minReady > 0 && (status.readyReplicas ?? 0) > (status.availableReplicas ?? 0)) this.queue.addAfter(keyOf(rs as KubeObject), minReady * 1000);
  }
}
