/**
 * The node lifecycle controller: a node whose Lease and status heartbeats stop for longer
 * than the grace period gets Unknown conditions (reason NodeStatusUnknown), its pods lose
 * Ready, and it is tainted node.kubernetes.io/unreachable (or not-ready when the kubelet
 * reports Ready=False) with NoSchedule and NoExecute; the taints go when Ready returns.
 * Pods on NoExecute-tainted nodes are evicted (deleted) at once if they do not tolerate the
 * taint, or after their tolerationSeconds.
 *
 * Every node is re-checked each monitor period (heartbeats age without any event).
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import type { Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { stableJson } from '../base/hash.js';
import { InformerIndex } from '../base/informer-index.js';
import type { Pod } from '../base/objects.js';
import { gvr } from '../base/resources.js';
import type { Toleration } from '../daemonset/placement.js';
import { desiredTaints, evictionTime, lastHeard, unknownConditions, type NodeCondition, type TaintWithTime } from './health.js';

interface NodeObj extends KubeObject { spec?: { taints?: TaintWithTime[]; [k: string]: unknown }; status?: { conditions?: NodeCondition[]; [k: string]: unknown } }
interface Lease extends KubeObject { spec?: { renewTime?: string | null } }

export interface NodeLifecycleOptions {
  /**
   * Silence longer than this makes a node Unknown (upstream --node-monitor-grace-period, 40 s;
   * skiff 20 s, so a lost node's pods run again elsewhere within a minute).
   */
  readonly gracePeriodSeconds?: number;
  /** How often every node is looked at (upstream --node-monitor-period, 5 s). */
  readonly monitorPeriodMs?: number;
}

/** Lease renewals come every 5 s (src/kubelet/node-status.ts): a node is Unknown after about four missed ones. */
const defaultGraceSeconds = 20;

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class NodeLifecycleController extends QueueController {
  readonly name = 'nodelifecycle';
  private nodeInformer!: Informer<NodeObj>;
  private leaseInformer!: Informer<Lease>;
  private podInformer!: Informer<Pod>;
  private podsByNode!: InformerIndex<Pod>;
  private readonly nodeClient: ResourceClient<NodeObj>;
  private readonly podClient: ResourceClient<Pod>;
  private timer: NodeJS.Timeout | undefined;

  constructor(ctx: ControllerContext, private readonly o: NodeLifecycleOptions = {}) {
    super(ctx, 2);
    this.nodeClient = new ResourceClient<NodeObj>(ctx.rest, gvr.nodes);
    this.podClient = new ResourceClient<Pod>(ctx.rest, gvr.pods);
  }

  setup(): void {
    this.nodeInformer = this.ctx.informers.forResource<NodeObj>(gvr.nodes);
    this.leaseInformer = this.ctx.informers.forResource<Lease>(gvr.leases, { namespace: 'kube-node-lease' });
    this.podInformer = this.ctx.informers.forResource<Pod>(gvr.pods);
    this.podsByNode = new InformerIndex(this.podInformer, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    this.nodeInformer.addEventHandler({ onAdd: (n) => this.enqueue(n), onUpdate: (_o, n) => this.enqueue(n) });
    // A pod landing on a tainted node is judged at once.
    this.podInformer.addEventHandler({ onAdd: (p) => { if (p.spec?.nodeName) this.queue.add(p.spec.nodeName); } });
  }

  override async run(): Promise<void> {
    const tick = (): void => {
      for (const n of this.nodeInformer.lister.list()) this.enqueue(n);
      this.timer = setTimeout(tick, this.o.monitorPeriodMs ?? 5000);
    };
    tick();
    await super.run();
  }

  override stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    super.stop();
  }

  protected async sync(name: string): Promise<void> {
    const cached = this.nodeInformer.lister.get(undefined, name);
    if (!cached) return;
    const node = structuredClone(cached);
    const now = this.ctx.now().getTime();
    const lease = this.leaseInformer.lister.get('kube-node-lease', name);
    const heard = lastHeard({ leaseRenewTime: lease?.spec?.renewTime, conditions: node.status?.conditions ?? [], created: node.metadata?.creationTimestamp ?? null });
    const silent = now - heard > (this.o.gracePeriodSeconds ?? defaultGraceSeconds) * 1000;
    if (silent) {
      const conditions = unknownConditions(node.status?.conditions ?? [], stamp(now));
      if (conditions) {
        const updated = await this.write(() => this.nodeClient.updateStatus({ ...node, status: { ...(node.status ?? {}), conditions } }));
        if (!updated) return;
        Object.assign(node, updated);
        await this.markPodsNotReady(name);
      }
    }
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const taints = desiredTaints(node.spec?.taints ?? [], ready, stamp(now));
    if (stableJson(taints) !== stableJson(node.spec?.taints ?? [])) {
      const { taints: _old, ...rest } = node.spec ?? {};
      const spec = taints.length > 0 ? { ...rest, taints } : rest;
      const updated = await this.write(() => this.nodeClient.update({ ...node, spec }));
      if (!updated) return;
      Object.assign(node, updated);
    }
    await this.evict(name, node.spec?.taints ?? [], now);
  }

  /** Writes, treating a lost race or a vanished node as "look again on the next event". */
  private async write(fn: () => Promise<NodeObj>): Promise<NodeObj | undefined> {
    try {
      return await fn();
    } catch (err: unknown) {
      if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return undefined;
      throw err;
    }
  }

  private podsOn(node: string): Pod[] {
    return this.podsByNode.get(node);
  }

  private async markPodsNotReady(node: string): Promise<void> {
    const t = stamp(this.ctx.now().getTime());
    for (const pod of this.podsOn(node)) {
      const conditions = pod.status?.conditions ?? [];
      if (!conditions.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const next = conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: t } : c));
      await this.podClient.patch(pod.metadata.namespace, pod.metadata.name ?? '', 'merge', { status: { conditions: next } }, { subresource: 'status' })
        .catch((err: unknown) => { if (!isNotFound(err)) throw err; });
    }
  }

  private async evict(node: string, taints: readonly TaintWithTime[], now: number): Promise<void> {
    if (!taints.some((t) => t.effect === 'NoExecute')) return;
    let recheck: number | undefined;
    for (const pod of this.podsOn(node)) {
      if (pod.metadata.deletionTimestamp) continue;
      const at = evictionTime(taints, (pod.spec?.['tolerations'] ?? []) as Toleration[]);
      if (at === undefined) continue;
      if (at > now) {
        recheck = recheck === undefined ? at : Math.min(recheck, at);
        continue;
      }
      this.ctx.events('taint-eviction-controller', { apiVersion: 'v1', kind: 'Pod' }).event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      await this.podClient.delete(pod.metadata.namespace, pod.metadata.name ?? '').catch((err: unknown) => { if (!isNotFound(err)) throw err; });
    }
    if (recheck !== undefined) this.queue.addAfter(node, recheck - now + 50);
  }
}
