/**
 * The StatefulSet controller (upstream pkg/controller/statefulset): stable pod names
 * NAME-0..N-1 with hostname and subdomain (the governing Service), ordered or parallel
 * start/stop and partitioned rolling updates (plan.ts), template history as
 * ControllerRevisions, and status with currentRevision/updateRevision for
 * `kubectl rollout status`. Each pod gets its own PersistentVolumeClaims from
 * volumeClaimTemplates (CLAIM-NAME-i), created before the pod and kept after it (upstream's
 * default Retain policy), so a replacement pod finds the same storage.
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import { splitKey, type Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { labelSelectorFromObject } from '../../machinery/selectors.js';
import { claimObjects } from '../base/claim.js';
import { byControllerIndex, claimCandidates, type InformerIndex } from '../base/informer-index.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { RevisionHistory, revisionTemplate, type ControllerRevision } from '../base/controller-revisions.js';
import { stableJson } from '../base/hash.js';
import type { Pod, PodTemplate } from '../base/objects.js';
import { controllerRefOf, newControllerRef } from '../base/owners.js';
import { podFromTemplate } from '../base/pod-template.js';
import { isPodAvailable, isPodReady } from '../base/pods.js';
import { gvr } from '../base/resources.js';
import { plan, revisionLabel } from './plan.js';

export interface StatefulSet extends KubeObject {
  metadata: NonNullable<KubeObject['metadata']>;
  spec: {
    replicas?: number; serviceName?: string; podManagementPolicy?: string; minReadySeconds?: number; revisionHistoryLimit?: number;
    selector: { matchLabels?: Record<string, string> }; template: PodTemplate;
    volumeClaimTemplates?: Array<{ metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> }>;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  status?: { currentRevision?: string; updateRevision?: string; [k: string]: unknown };
}

export class StatefulSetController extends QueueController {
  readonly name = 'statefulset';
  private stsInformer!: Informer<StatefulSet>;
  private podInformer!: Informer<Pod>;
  private podsByOwner!: InformerIndex<Pod>;
  private crInformer!: Informer<ControllerRevision>;
  private readonly stsClient: ResourceClient<StatefulSet>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly pvcClient: ResourceClient<KubeObject>;
  private readonly history: RevisionHistory;

  constructor(ctx: ControllerContext, workers = 2) {
    super(ctx, workers);
    this.stsClient = new ResourceClient<StatefulSet>(ctx.rest, gvr.statefulSets);
    this.podClient = new ResourceClient<Pod>(ctx.rest, gvr.pods);
    this.pvcClient = new ResourceClient<KubeObject>(ctx.rest, { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true });
    this.history = new RevisionHistory(ctx.rest);
  }

  setup(): void {
    this.stsInformer = this.ctx.informers.forResource<StatefulSet>(gvr.statefulSets);
    this.podInformer = this.ctx.informers.forResource<Pod>(gvr.pods);
    this.podsByOwner = byControllerIndex(this.podInformer);
    this.crInformer = this.ctx.informers.forResource<ControllerRevision>(gvr.controllerRevisions);
    this.stsInformer.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s) });
    const owner = (pod: Pod): void => {
      const ref = controllerRefOf(pod);
      if (ref?.kind !== 'StatefulSet') return;
      const sts = this.stsInformer.lister.get(pod.metadata.namespace, ref.name);
      if (sts?.metadata.uid === ref.uid) this.enqueue(sts);
    };
    this.podInformer.addEventHandler({ onAdd: owner, onUpdate: (_o, p) => owner(p), onDelete: owner });
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const sts = this.stsInformer.lister.get(namespace, name);
    if (!sts) return;
    const sel = labelSelectorFromObject(sts.spec.selector);
    if (!sel.ok) return;
    const owned = this.crInformer.lister.list({ namespace: namespace ?? '' }).filter((cr) => controllerRefOf(cr)?.uid === sts.metadata.uid);
    const { revision: update } = await this.history.ensure({ owner: sts, kind: 'StatefulSet', template: sts.spec.template, owned, selectorLabels: sts.spec.selector.matchLabels ?? {} });
    const updateName = update.metadata?.name ?? '';
    const currentName = sts.status?.currentRevision && owned.some((cr) => cr.metadata?.name === sts.status?.currentRevision) ? sts.status.currentRevision : updateName;
    const current = owned.find((cr) => cr.metadata?.name === currentName);
    const claimed = await claimObjects({ owner: sts, ownerRef: newControllerRef(sts, 'apps/v1', 'StatefulSet'), selector: sel.value, candidates: claimCandidates(this.podsByOwner, sts), client: this.podClient });
    const pods = new Map<number, Pod>();
    const ordinalOf = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`);
    for (const p of claimed) {
      const m = ordinalOf.exec(p.metadata.name ?? '');
      if (m) pods.set(Number(m[1]), p);
    }
    const replicas = sts.spec.replicas ?? 1;
    const rolling = (sts.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = rolling ? (sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : replicas;
    if (!sts.metadata.deletionTimestamp) {
      const actions = plan({ replicas, parallel: sts.spec.podManagementPolicy === 'Parallel', pods, rolling, partition, updateRevision: updateName });
      for (const a of actions) {
        if (a.kind === 'delete') {
          await this.podClient.delete(a.pod.metadata.namespace, a.pod.metadata.name ?? '').catch((err: unknown) => { if (!isNotFound(err)) throw err; });
          this.ctx.events('statefulset-controller', { apiVersion: 'apps/v1', kind: 'StatefulSet' }).event(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${a.pod.metadata.name} in StatefulSet ${name} successful`);
          continue;
        }
        // Below the partition, replacements keep the current revision.
        const useCurrent = a.ordinal < partition && current !== undefined;
        const template = useCurrent ? (revisionTemplate(current) ?? sts.spec.template) : sts.spec.template;
        await this.createPod(sts, a.ordinal, template, useCurrent ? currentName : updateName);
      }
    }
    await this.writeStatus(sts, pods, replicas, currentName, updateName);
    const limit = sts.spec.revisionHistoryLimit ?? 10;
    const live = new Set([...pods.values()].map((p) => p.metadata.labels?.[revisionLabel] ?? ''));
    await this.history.truncate(owned.filter((cr) => !live.has(cr.metadata?.name ?? '') && cr.metadata?.name !== currentName && cr.metadata?.name !== updateName), limit, new Set());
  }

  private async createPod(sts: StatefulSet, ordinal: number, template: PodTemplate, revision: string): Promise<void> {
    const name = `${sts.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(template, {
      namespace: sts.metadata.namespace ?? 'default', name, ownerRef: newControllerRef(sts, 'apps/v1', 'StatefulSet'),
      extraLabels: { [revisionLabel]: revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) },
    });
    pod.spec = { ...pod.spec, hostname: name, ...(sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {}) };
    await this.ensureClaims(sts, pod, name);
    try {
      await this.podClient.create(pod.metadata.namespace, pod);
      this.ctx.events('statefulset-controller', { apiVersion: 'apps/v1', kind: 'StatefulSet' }).event(sts, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`);
    } catch (err: unknown) {
      // The cache lagged and the pod exists: the next sync sees it.
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }

  /** Creates the pod's claims (CLAIM-POD) if missing and mounts them as the template's volumes. */
  private async ensureClaims(sts: StatefulSet, pod: Pod, podName: string): Promise<void> {
    const templates = sts.spec.volumeClaimTemplates ?? [];
    if (templates.length === 0) return;
    const volumes = ((pod.spec?.['volumes'] ?? []) as Array<{ name: string }>).filter((v) => !templates.some((t) => t.metadata?.name === v.name));
    for (const t of templates) {
      const template = t.metadata?.name ?? '';
      const claim = `${template}-${podName}`;
      try {
        await this.pvcClient.create(sts.metadata.namespace, {
          apiVersion: 'v1', kind: 'PersistentVolumeClaim',
          metadata: { name: claim, namespace: sts.metadata.namespace ?? 'default', labels: { ...(sts.spec.selector.matchLabels ?? {}), ...(t.metadata?.labels ?? {}) }, ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}) },
          spec: structuredClone(t.spec ?? {}),
        });
      } catch (err: unknown) {
        // Kept from an earlier pod of this ordinal: reused, which is the point.
        if (!(err instanceof StatusError && err.code === 409)) throw err;
      }
      volumes.push({ name: template, persistentVolumeClaim: { claimName: claim } } as { name: string });
    }
    pod.spec = { ...pod.spec, volumes };
  }

  private async writeStatus(sts: StatefulSet, pods: Map<number, Pod>, replicas: number, currentName: string, updateName: string): Promise<void> {
    const now = this.ctx.now();
    const list = [...pods.values()].filter((p) => !p.metadata.deletionTimestamp);
    const updated = list.filter((p) => p.metadata.labels?.[revisionLabel] === updateName).length;
    const ready = list.filter(isPodReady).length;
    // Everything runs the update revision: it becomes the current one.
    const done = updated === replicas && list.length === replicas;
    const currentRevision = done ? updateName : currentName;
    const status = {
      observedGeneration: sts.metadata.generation ?? 0,
      replicas: list.length,
      readyReplicas: ready,
      currentReplicas: list.filter((p) => p.metadata.labels?.[revisionLabel] === currentRevision).length,
      updatedReplicas: updated,
      availableReplicas: list.filter((p) => isPodAvailable(p, sts.spec.minReadySeconds ?? 0, now)).length,
      currentRevision, updateRevision: updateName, collisionCount: 0,
    };
    if (stableJson(status) === stableJson(sts.status ?? {})) return;
    try {
      await this.stsClient.updateStatus({ ...structuredClone(sts), status });
    } catch (err: unknown) {
      if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return;
      throw err;
    }
  }
}
