/**
 * Hollow nodes (as kwok does): N Node objects with chosen capacity and a Ready condition,
 * their Leases in kube-node-lease renewed on an interval, and a fake kubelet that moves
 * pods bound to them to Running (pod IP from the node's /24, containers running and
 * ready), finishes Job pods (owned by a Job, or annotated `sim.skiff.io/run-seconds`) as
 * Succeeded after a short time, and completes graceful deletions at once. No containers run.
 *
 * The pod loop is level-triggered: informer events enqueue pod keys; sync(key) compares the
 * pod with what a kubelet would report and writes the difference.
 *
 * Lifecycle: start() registers nodes and starts the loops; stop() stops timers, workers and
 * informers it created; idempotent. Nodes stay registered (a server restart finds them).
 */
import type { KubeObject } from '../api/types.js';
import { StatusError } from '../client/errors.js';
import { SharedInformerFactory, type Informer } from '../client/informers/index.js';
import { splitKey, keyOf } from '../client/informers/cache.js';
import type { RestClient } from '../client/rest.js';
import { ResourceClient, coreResources } from '../client/typed/index.js';
import { WorkQueue, runWorkers } from '../client/workqueue/index.js';
import { IpPool, podCidrFor } from './addresses.js';
import { defaultCapacity, hollowLease, hollowNode, type HollowCapacity } from './node-object.js';
import { runningStatus, succeededStatus } from './pod-status.js';

export interface HollowNodeOptions {
  readonly count: number;
  /** Node names are `${prefix}${i}` (default `hollow-node-`). */
  readonly namePrefix?: string;
  /** Index of the first node (to run several simulators side by side). */
  readonly firstIndex?: number;
  readonly capacity?: Partial<HollowCapacity>;
  readonly labels?: Record<string, string>;
  readonly taints?: unknown[];
  /** Lease renewal period (default 10 s); 0 registers no Leases. */
  readonly leaseIntervalMs?: number;
  /** Move pods to Running (default true); a scheduler benchmark may turn this off. */
  readonly runPods?: boolean;
  /** How long Job pods run before Succeeded (default 1000 ms). */
  readonly jobRunMs?: number;
  /** Concurrent writes while registering nodes and updating pods (default 16). */
  readonly concurrency?: number;
  readonly informers?: SharedInformerFactory;
  readonly onError?: (err: unknown) => void;
  readonly now?: () => Date;
}

interface PodLike extends KubeObject {
  spec?: { nodeName?: string; containers?: Array<{ name: string; image?: string }> };
  status?: { phase?: string; podIP?: string; startTime?: string };
}

interface SimNode { readonly name: string; readonly ip: string; readonly pool: IpPool; uid?: string; lease?: KubeObject }

const runSecondsAnnotation = 'sim.skiff.io/run-seconds';

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class HollowNodes {
  readonly nodes = new Map<string, SimNode>();
  private readonly nodesClient: ResourceClient;
  private readonly leases: ResourceClient;
  private readonly pods: ResourceClient<PodLike>;
  private readonly informers: SharedInformerFactory;
  private readonly ownsInformers: boolean;
  private readonly queue = new WorkQueue();
  private podInformer: Informer<PodLike> | undefined;
  private removeHandler: (() => void) | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private workers: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private readonly finishAt = new Map<string, number>();
  private readonly now: () => Date;

  constructor(rest: RestClient, private readonly o: HollowNodeOptions) {
    this.nodesClient = new ResourceClient(rest, coreResources.nodes);
    this.leases = new ResourceClient(rest, coreResources.leases);
    this.pods = new ResourceClient<PodLike>(rest, coreResources.pods);
    this.ownsInformers = !o.informers;
    this.informers = o.informers ?? new SharedInformerFactory(rest, { ...(o.onError ? { onError: o.onError } : {}) });
    this.now = o.now ?? (() => new Date());
    const first = o.firstIndex ?? 0;
    for (let i = first; i < first + o.count; i++) {
      const name = `${o.namePrefix ?? 'hollow-node-'}${i}`;
      const { prefix } = podCidrFor(i);
      this.nodes.set(name, { name, ip: `${prefix}.1`, pool: new IpPool(prefix) });
    }
  }

  async start(): Promise<void> {
    const capacity = { ...defaultCapacity, ...this.o.capacity } as HollowCapacity;
    const first = this.o.firstIndex ?? 0;
    const entries = [...this.nodes.values()];
    await inParallel(entries, this.o.concurrency ?? 16, async (n) => {
      const index = first + entries.indexOf(n);
      const body = hollowNode({ name: n.name, cidr: podCidrFor(index).cidr, internalIP: n.ip, capacity, labels: this.o.labels ?? {}, ...(this.o.taints ? { taints: this.o.taints } : {}), now: this.now() });
      try {
        const created = await this.nodesClient.create(undefined, body);
        n.uid = created.metadata?.uid;
      } catch (err: unknown) {
        if (!(err instanceof StatusError && err.code === 409)) throw err;
        n.uid = (await this.nodesClient.get(undefined, n.name)).metadata?.uid;
      }
    });
    const leaseEvery = this.o.leaseIntervalMs ?? 10_000;
    if (leaseEvery > 0) {
      await inParallel(entries, this.o.concurrency ?? 16, (n) => this.renewLease(n));
      this.startLeaseLoop(leaseEvery);
    }
    if (this.o.runPods ?? true) {
      this.podInformer = this.informers.forResource<PodLike>(coreResources.pods);
      this.removeHandler = this.podInformer.addEventHandler({
        onAdd: (p) => this.consider(p),
        onUpdate: (_o, p) => this.consider(p),
        onDelete: (p) => { if (p.spec?.nodeName && this.nodes.has(p.spec.nodeName)) this.queue.add(keyOf(p)); },
      });
      this.informers.start();
      this.workers = runWorkers(this.queue, this.o.concurrency ?? 16, (key) => this.sync(key), (_k, err) => this.o.onError?.(err));
      await this.podInformer.waitForSync();
    }
  }

  /** Spreads renewals over the interval: each tick renews the nodes whose turn it is. */
  private startLeaseLoop(intervalMs: number): void {
    const entries = [...this.nodes.values()];
    const tickMs = Math.max(100, Math.min(1000, intervalMs));
    const perTick = Math.max(1, Math.ceil((entries.length * tickMs) / intervalMs));
    let cursor = 0;
    let busy = false;
    this.leaseTimer = setInterval(() => {
      if (busy) return;
      busy = true;
      const batch: SimNode[] = [];
      for (let i = 0; i < perTick && entries.length; i++) batch.push(entries[(cursor + i) % entries.length] as SimNode);
      cursor = (cursor + perTick) % Math.max(1, entries.length);
      inParallel(batch, this.o.concurrency ?? 16, (n) => this.renewLease(n)).catch((err: unknown) => this.o.onError?.(err)).finally(() => { busy = false; });
    }, tickMs);
  }

  /**
   * Writes the node's Lease with a fresh renewTime. The last written Lease is kept, so a
   * renewal is one PUT; a conflict or a missing Lease falls back to a read or a create.
   */
  private async renewLease(n: SimNode): Promise<void> {
    const fresh = hollowLease({ name: n.name, nodeUid: n.uid, durationSeconds: 40, now: this.now() });
    const renewed = (base: KubeObject): KubeObject => ({ ...base, spec: { ...(base.spec as Record<string, unknown>), ...(fresh.spec as Record<string, unknown>) } });
    try {
      n.lease = await this.leases.update(renewed(n.lease ?? (await this.leases.get('kube-node-lease', n.name))));
    } catch (err: unknown) {
      if (!(err instanceof StatusError)) throw err;
      if (err.code === 404) n.lease = await this.leases.create('kube-node-lease', fresh);
      else if (err.code === 409) n.lease = await this.leases.update(renewed(await this.leases.get('kube-node-lease', n.name)));
      else throw err;
    }
  }

  private consider(p: PodLike): void {
    const node = p.spec?.nodeName;
    const sim = node ? this.nodes.get(node) : undefined;
    if (!sim) return;
    const phase = p.status?.phase;
    if (phase === 'Running' && p.status?.podIP) sim.pool.reserve(p.metadata?.uid ?? '', p.status.podIP);
    if (p.metadata?.deletionTimestamp || !phase || phase === 'Pending' || (phase === 'Running' && this.runsToCompletion(p))) this.queue.add(keyOf(p));
  }

  private runsToCompletion(p: PodLike): boolean {
    return Boolean(p.metadata?.annotations?.[runSecondsAnnotation]) || (p.metadata?.ownerReferences ?? []).some((r) => r.kind === 'Job' && r.controller !== false);
  }

  /** Brings one pod to what a kubelet would report now. */
  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.podInformer?.lister.get(namespace, name);
    if (!pod) {
      this.finishAt.delete(key);
      return;
    }
    const node = this.nodes.get(pod.spec?.nodeName ?? '');
    if (!node) return;
    const uid = pod.metadata?.uid ?? '';
    if (pod.metadata?.deletionTimestamp) {
      // Containers stop at once on a hollow node; the kubelet then removes the pod.
      node.pool.release(uid);
      this.finishAt.delete(key);
      await this.pods.delete(namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } }).catch((err: unknown) => {
        if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
      });
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      node.pool.release(uid);
      return;
    }
    if (!phase || phase === 'Pending') {
      const podIP = node.pool.allocate(uid);
      if (!podIP) throw new Error(`hollow node ${node.name}: no free pod IP`);
      await this.pods.patch(namespace, name, 'merge', { status: runningStatus(pod, { podIP, hostIP: node.ip, now: this.now() }) }, { subresource: 'status' });
      return;
    }
    if (phase === 'Running' && this.runsToCompletion(pod)) {
      const seconds = Number(pod.metadata?.annotations?.[runSecondsAnnotation]);
      const runMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : this.o.jobRunMs ?? 1000;
      let due = this.finishAt.get(key);
      if (due === undefined) {
        due = Date.now() + runMs;
        this.finishAt.set(key, due);
      }
      const wait = due - Date.now();
      if (wait > 0) {
        this.queue.addAfter(key, wait);
        return;
      }
      this.finishAt.delete(key);
      await this.pods.patch(namespace, name, 'merge', { status: succeededStatus(pod, this.now()) }, { subresource: 'status' });
      node.pool.release(uid);
    }
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.leaseTimer) clearInterval(this.leaseTimer);
      this.removeHandler?.();
      this.queue.shutDown();
      await this.workers;
      if (this.ownsInformers) await this.informers.stop();
    })();
    return this.stopped;
  }
}

export async function startHollowNodes(rest: RestClient, o: HollowNodeOptions): Promise<HollowNodes> {
  const h = new HollowNodes(rest, o);
  await h.start();
  return h;
}
