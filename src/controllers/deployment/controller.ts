/**
 * The Deployment controller (upstream pkg/controller/deployment): owns ReplicaSets, one per
 * pod template (named by its pod-template-hash), and moves replicas from old to new by the
 * strategy (RollingUpdate within maxSurge/maxUnavailable, or Recreate). Keeps revision
 * annotations, the history limit, status and the Available/Progressing conditions.
 * Beyond upstream: opt-in automatic rollback (see auto-rollback.ts).
 */
import { isNotFound, StatusError } from '../../client/index.js';
import { keyOf, splitKey, type Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { labelSelectorFromObject } from '../../machinery/selectors.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { claimObjects } from '../base/claim.js';
import { byControllerIndex, claimCandidates, type InformerIndex } from '../base/informer-index.js';
import type { Deployment, Pod, ReplicaSet } from '../base/objects.js';
import { controllerRefOf, newControllerRef } from '../base/owners.js';
import { gvr } from '../base/resources.js';
import { maybeAutoRollback } from './auto-rollback.js';
import { isScalingEvent, proportionalTargets } from './proportional.js';
import { createNewReplicaSet, syncRevision } from './new-replicaset.js';
import { desiredReplicas, newReplicaSetTarget, oldReplicaSetTargets, specReplicas, surgeAndUnavailable } from './rolling.js';
import { findNewReplicaSet, maxRevision, oldReplicaSets, revisionOf, desiredReplicasAnnotation, maxReplicasAnnotation } from './revisions.js';
import { calculateStatus, isComplete, reasons, sameStatus, setCondition, updateProgressing } from './status.js';

export class DeploymentController extends QueueController {
  readonly name = 'deployment';
  private dInformer!: Informer<Deployment>;
  private rsInformer!: Informer<ReplicaSet>;
  private podInformer!: Informer<Pod>;
  private rsByOwner!: InformerIndex<ReplicaSet>;
  private podsByOwner!: InformerIndex<Pod>;
  readonly dClient: ResourceClient<Deployment>;
  readonly rsClient: ResourceClient<ReplicaSet>;

  constructor(ctx: ControllerContext, workers = 4) {
    super(ctx, workers);
    this.dClient = new ResourceClient<Deployment>(ctx.rest, gvr.deployments);
    this.rsClient = new ResourceClient<ReplicaSet>(ctx.rest, gvr.replicaSets);
  }

  setup(): void {
    this.dInformer = this.ctx.informers.forResource<Deployment>(gvr.deployments);
    this.rsInformer = this.ctx.informers.forResource<ReplicaSet>(gvr.replicaSets);
    this.podInformer = this.ctx.informers.forResource<Pod>(gvr.pods);
    this.rsByOwner = byControllerIndex(this.rsInformer);
    this.podsByOwner = byControllerIndex(this.podInformer);
    this.dInformer.addEventHandler({ onAdd: (d) => this.enqueue(d), onUpdate: (_o, d) => this.enqueue(d), onDelete: (d) => this.enqueue(d) });
    const onRS = (rs: ReplicaSet): void => {
      const owner = this.owningDeployment(rs);
      if (owner) this.enqueue(owner);
      else if (!controllerRefOf(rs)) this.enqueueMatching(rs);
    };
    this.rsInformer.addEventHandler({
      onAdd: onRS,
      onUpdate: (old, rs) => { const was = this.owningDeployment(old); if (was) this.enqueue(was); onRS(rs); },
      onDelete: onRS,
    });
    // Recreate waits for old pods to be gone: their deletion must wake the Deployment.
    this.podInformer.addEventHandler({
      onDelete: (pod) => {
        const ref = controllerRefOf(pod);
        if (ref?.kind !== 'ReplicaSet') return;
        const rs = this.rsInformer.lister.get(pod.metadata.namespace, ref.name);
        const d = rs ? this.owningDeployment(rs) : undefined;
        if (d?.spec.strategy?.type === 'Recreate') this.enqueue(d);
      },
    });
  }

  private owningDeployment(rs: ReplicaSet): Deployment | undefined {
    const ref = controllerRefOf(rs);
    if (ref?.kind !== 'Deployment') return undefined;
    const d = this.dInformer.lister.get(rs.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private enqueueMatching(rs: ReplicaSet): void {
    for (const d of this.dInformer.lister.list({ namespace: rs.metadata.namespace ?? '' })) {
      const sel = labelSelectorFromObject(d.spec.selector);
      if (sel.ok && sel.value.matches(rs.metadata.labels)) this.enqueue(d);
    }
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.dInformer.lister.get(namespace, name);
    if (!cached) return;
    const d = structuredClone(cached);
    const sel = labelSelectorFromObject(d.spec.selector);
    if (!sel.ok || sel.value.requirements.length === 0) {
      this.ctx.log(`deployment: ${key} has an empty or invalid selector; not managing it`);
      return;
    }
    const rss = await claimObjects({
      owner: d, ownerRef: newControllerRef(d, 'apps/v1', 'Deployment'), selector: sel.value,
      candidates: claimCandidates(this.rsByOwner, d), client: this.rsClient,
    });
    if (d.metadata.deletionTimestamp) return this.syncStatus(d, rss, findNewReplicaSet(d, rss));
    if (d.spec.paused) return this.syncPaused(d, rss);
    const active = rss.filter((rs) => specReplicas(rs) > 0);
    if (d.spec.strategy?.type !== 'Recreate' && active.length > 1 && isScalingEvent(d, active)) return this.scaleProportionally(d, rss, active);
    if (d.spec.strategy?.type === 'Recreate') return this.rolloutRecreate(d, rss);
    return this.rolloutRolling(d, rss);
  }

  /** Resizes a ReplicaSet and records the sizes it was asked for (as upstream's annotations). */
  async scale(d: Deployment, rs: ReplicaSet, replicas: number): Promise<ReplicaSet> {
    const annotations = { [desiredReplicasAnnotation]: String(desiredReplicas(d)), [maxReplicasAnnotation]: String(desiredReplicas(d) + (d.spec.strategy?.type === 'Recreate' ? 0 : surgeAndUnavailable(d).maxSurge)) };
    const same = specReplicas(rs) === replicas && Object.entries(annotations).every(([k, v]) => rs.metadata.annotations?.[k] === v);
    if (same) return rs;
    // The resourceVersion makes a resize computed from a stale cache fail (409, retried)
    // instead of landing: upstream gets the same from Update.
    const scaled = await this.rsClient.patch(rs.metadata.namespace, rs.metadata.name ?? '', 'merge', { metadata: { annotations, resourceVersion: rs.metadata.resourceVersion }, spec: { replicas } });
    const from = specReplicas(rs);
    if (from !== replicas) this.ctx.events('deployment-controller', { apiVersion: 'apps/v1', kind: 'Deployment' }).event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
    return scaled;
  }

  private async newAndOld(d: Deployment, rss: ReplicaSet[], create: boolean): Promise<{ newRS: ReplicaSet | undefined; old: ReplicaSet[]; all: ReplicaSet[] }> {
    const existing = findNewReplicaSet(d, rss);
    const old = oldReplicaSets(rss, existing);
    let newRS = existing;
    if (existing) newRS = await syncRevision(this, d, existing, maxRevision(old));
    else if (create) {
      newRS = await createNewReplicaSet(this, d, old);
      if (newRS && specReplicas(newRS) > 0) this.ctx.events('deployment-controller', { apiVersion: 'apps/v1', kind: 'Deployment' }).event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${newRS.metadata.name} from 0 to ${specReplicas(newRS)}`);
      if (newRS) {
        const status = structuredClone(d.status ?? {});
        setCondition(status, { type: 'Progressing', status: 'True', reason: reasons.newRSCreated, message: `Created new replica set "${newRS.metadata.name}"` }, this.ctx.now());
        d.status = status;
      }
    }
    if (newRS && revisionOf(d) !== revisionOf(newRS)) await this.setDeploymentRevision(d, revisionOf(newRS));
    return { newRS, old, all: newRS ? [...old, newRS] : old };
  }

  private async setDeploymentRevision(d: Deployment, revision: number): Promise<void> {
    const updated = await this.dClient.patch(d.metadata.namespace, d.metadata.name ?? '', 'merge', {
      metadata: { annotations: { 'deployment.kubernetes.io/revision': String(revision) }, resourceVersion: d.metadata.resourceVersion },
    });
    d.metadata = updated.metadata;
  }

  private async rolloutRolling(d: Deployment, rss: ReplicaSet[]): Promise<void> {
    const { newRS, old, all } = await this.newAndOld(d, rss, true);
    if (newRS) {
      const target = specReplicas(newRS) > desiredReplicas(d) ? desiredReplicas(d) : newReplicaSetTarget(d, all, newRS);
      if (target !== specReplicas(newRS)) {
        const scaled = await this.scale(d, newRS, target);
        return this.syncStatus(d, all.map((rs) => (rs === newRS ? scaled : rs)), scaled);
      }
    }
    const targets = oldReplicaSetTargets(d, all, old, newRS);
    let scaledDown = false;
    for (const rs of old) {
      const t = targets.get(rs.metadata.uid ?? '');
      if (t === undefined || t === specReplicas(rs)) continue;
      await this.scale(d, rs, t);
      scaledDown = true;
    }
    if (!scaledDown && newRS) await this.cleanupIfComplete(d, all, old, newRS);
    return this.syncStatus(d, all, newRS);
  }

  private async rolloutRecreate(d: Deployment, rss: ReplicaSet[]): Promise<void> {
    const existing = findNewReplicaSet(d, rss);
    const old = oldReplicaSets(rss, existing);
    let scaledDown = false;
    for (const rs of old) {
      if (specReplicas(rs) === 0) continue;
      await this.scale(d, rs, 0);
      scaledDown = true;
    }
    if (scaledDown) return this.syncStatus(d, rss, existing);
    // Recreate: no new pod starts while an old one still exists.
    const oldPodsLeft = old.some((rs) => this.podsByOwner.get(rs.metadata.uid ?? '').some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded'));
    if (oldPodsLeft) return this.syncStatus(d, rss, existing);
    const { newRS, all } = await this.newAndOld(d, rss, true);
    if (newRS && specReplicas(newRS) !== desiredReplicas(d)) {
      const scaled = await this.scale(d, newRS, desiredReplicas(d));
      return this.syncStatus(d, all.map((rs) => (rs === newRS ? scaled : rs)), scaled);
    }
    if (newRS) await this.cleanupIfComplete(d, all, old, newRS);
    return this.syncStatus(d, all, newRS);
  }

  /** A resize during a rollout: every active ReplicaSet takes its share; the rollout resumes next sync. */
  private async scaleProportionally(d: Deployment, rss: ReplicaSet[], active: ReplicaSet[]): Promise<void> {
    const targets = proportionalTargets(d, active);
    const scaled = new Map<string, ReplicaSet>();
    for (const rs of active) scaled.set(rs.metadata.uid ?? '', await this.scale(d, rs, targets.get(rs.metadata.uid ?? '') ?? specReplicas(rs)));
    const all = rss.map((rs) => scaled.get(rs.metadata.uid ?? '') ?? rs);
    return this.syncStatus(d, all, findNewReplicaSet(d, all));
  }

  /** Paused: no rollout, but scaling still applies to the current ReplicaSet. */
  private async syncPaused(d: Deployment, rss: ReplicaSet[]): Promise<void> {
    const newRS = findNewReplicaSet(d, rss);
    const active = rss.filter((rs) => specReplicas(rs) > 0);
    if (newRS && active.every((rs) => rs === newRS) && specReplicas(newRS) !== desiredReplicas(d)) await this.scale(d, newRS, desiredReplicas(d));
    return this.syncStatus(d, rss, newRS);
  }

  private async cleanupIfComplete(d: Deployment, all: ReplicaSet[], old: ReplicaSet[], newRS: ReplicaSet): Promise<void> {
    const status = calculateStatus(d, all, newRS, this.ctx.now());
    if (!isComplete(d, status)) return;
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const deletable = old.filter((rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of deletable.slice(0, Math.max(0, deletable.length - limit))) {
      try {
        await this.rsClient.delete(rs.metadata.namespace, rs.metadata.name ?? '', { preconditions: { uid: rs.metadata.uid ?? '' } });
      } catch (err: unknown) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private async syncStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const now = this.ctx.now();
    const status = calculateStatus(d, all, newRS, now);
    let recheckMs: number | undefined;
    if (d.spec.paused) {
      if (status.conditions?.find((c) => c.type === 'Progressing')?.reason !== reasons.paused) {
        setCondition(status, { type: 'Progressing', status: 'Unknown', reason: reasons.paused, message: 'Deployment is paused' }, now);
      }
    } else {
      if (status.conditions?.find((c) => c.type === 'Progressing')?.reason === reasons.paused) {
        setCondition(status, { type: 'Progressing', status: 'Unknown', reason: reasons.resumed, message: 'Deployment is resumed' }, now);
      }
      recheckMs = updateProgressing(d, status, newRS, now);
    }
    if (!sameStatus(d.status, status)) {
      try {
        await this.dClient.updateStatus({ ...d, status });
      } catch (err: unknown) {
        if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return;
        throw err;
      }
    }
    if (recheckMs !== undefined) this.queue.addAfter(keyOf(d), recheckMs);
    const target = await maybeAutoRollback(this, d, status, all, newRS);
    if (target) this.ctx.events('deployment-controller', { apiVersion: 'apps/v1', kind: 'Deployment' }).event(d, 'Warning', 'AutoRollback', `Rolled back to revision ${revisionOf(target)} (replica set ${target.metadata.name}): revision ${revisionOf(newRS ?? target)} exceeded its progress deadline`);
  }
}
