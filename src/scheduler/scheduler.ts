/**
 * The scheduler: informers on pods, nodes and namespaces feed the cache and the scheduling
 * queue; one loop pops a pod, runs the synchronous scheduling cycle (filter, score, assume,
 * reserve, permit) and starts the binding cycle without waiting for it, so the next pod is
 * decided while the API writes the last binding. Failures requeue the pod (unschedulable
 * until a helpful event, or backoff after errors), set PodScheduled=False and record a
 * FailedScheduling event that explains every node's reason.
 *
 * Lifecycle: start() resolves once caches have synced and the loop runs; stop() ends the
 * loop, waits for bindings in flight, stops informers it created; idempotent.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { KubeObject } from '../api/types.js';
import type { RestClient } from '../client/rest.js';
import { SharedInformerFactory, stripManagedFields, type Informer } from '../client/informers/index.js';
import { ResourceClient, coreResources } from '../client/typed/index.js';
import { SchedulingAlgorithm } from './algorithm.js';
import { SchedulerCache } from './cache/cache.js';
import { resolveProfiles, type SchedulerConfiguration } from './config/config.js';
import { EventRecorder } from './events.js';
import { fitErrorMessage } from './fit-error.js';
import type { Node, Pod } from './framework/api.js';
import { podKey } from './framework/api.js';
import { NodeInfo, PodInfo, type PriorityInfo } from './framework/node-info.js';
import { Framework, pluginImplements } from './framework/runtime.js';
import type { Result, Status } from './framework/status.js';
import { CycleState, type ClusterEvent, type Handle, type PluginFactory, type QueuedPodInfo } from './framework/types.js';
import { inTreeRegistry } from './plugins/registry.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { applyFailure } from './status-updates.js';

export interface SchedulerOptions {
  readonly rest: RestClient;
  /** Share informers with other components; otherwise the scheduler makes and owns its own. */
  readonly informers?: SharedInformerFactory;
  readonly config?: SchedulerConfiguration;
  /** Out-of-tree plugins, merged over the in-tree registry. */
  readonly registry?: ReadonlyMap<string, PluginFactory>;
  readonly logger?: Logger;
  /** Bindings written concurrently before the loop waits (default 64). */
  readonly maxBindsInFlight?: number;
  /** `Scheduled` events per bound pod (default true). */
  readonly recordScheduledEvents?: boolean;
  readonly onBound?: (pod: Pod, nodeName: string) => void;
  /** Test tuning: the queue's backoff bounds. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface SchedulerStats { attempts: number; scheduled: number; unschedulable: number; errors: number; bindsInFlight: number }

interface PriorityClass extends KubeObject { value?: number; globalDefault?: boolean; preemptionPolicy?: string }

function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a?.[k] === b?.[k]);
}

const terminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly stats: SchedulerStats = { attempts: 0, scheduled: 0, unschedulable: 0, errors: 0, bindsInFlight: 0 };
  private readonly profiles = new Map<string, Framework>();
  private readonly algorithm = new SchedulingAlgorithm();
  private readonly pods: ResourceClient<Pod>;
  private readonly informers: SharedInformerFactory;
  private readonly ownsInformers: boolean;
  private readonly podInformer: Informer<Pod>;
  private readonly priorityClasses: Informer<PriorityClass>;
  private readonly recorder: EventRecorder;
  private readonly binds = new Set<Promise<void>>();
  private readonly removers: Array<() => void> = [];
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly o: SchedulerOptions) {
    this.cache = new SchedulerCache((pod) => this.priorityOf(pod));
    this.pods = new ResourceClient<Pod>(o.rest, coreResources.pods);
    this.ownsInformers = !o.informers;
    this.informers = o.informers ?? new SharedInformerFactory(o.rest, { transform: stripManagedFields, onError: (err) => o.logger?.warn({ err }, 'scheduler informer') });
    this.recorder = new EventRecorder(new ResourceClient(o.rest, coreResources.events), { component: 'default-scheduler', busy: () => this.stats.bindsInFlight > 0 || this.queue.lengths.active > 0, onError: (err) => o.logger?.debug({ err }, 'event write failed') });
    const registry = new Map([...inTreeRegistry, ...(o.registry ?? [])]);
    const handle = (fwk: () => Framework): Handle => ({
      snapshot: () => this.cache,
      bindPod: (pod, nodeName) => this.bindViaApi(pod, nodeName),
      runFilterPlugins: (state, pod, node) => fwk().runFilters(state, pod, node),
      preempt: (pod, victims, nodeName) => this.preempt(pod, victims, nodeName),
    });
    const probeHandle = handle(() => { throw new Error('probe only'); });
    const implementsPoint = (name: string, point: Parameters<typeof pluginImplements>[1]): boolean => {
      const f = registry.get(name);
      return f ? pluginImplements(f(undefined, probeHandle), point) : false;
    };
    for (const profile of resolveProfiles(o.config ?? {}, implementsPoint)) {
      let fwk: Framework | undefined;
      fwk = new Framework(profile, registry, handle(() => fwk as Framework));
      this.profiles.set(profile.schedulerName, fwk);
    }
    const first = this.profiles.values().next().value as Framework;
    const initial = (o.config?.podInitialBackoffSeconds ?? 1) * 1000;
    const max = (o.config?.podMaxBackoffSeconds ?? 10) * 1000;
    this.queue = new SchedulingQueue({
      less: (a, b) => first.queueSort.less(a, b),
      pluginsFor: (event) => this.pluginsFor(event),
      initialBackoffMs: o.initialBackoffMs ?? initial, maxBackoffMs: o.maxBackoffMs ?? max,
    });
    this.podInformer = this.informers.forResource<Pod>(coreResources.pods);
    this.priorityClasses = this.informers.forResource<PriorityClass>(coreResources.priorityClasses);
  }

  /**
   * Priority from the pod's PriorityClass (or the global default class) when the API did
   * not fill spec.priority, as upstream's Priority admission plugin would have.
   */
  priorityOf(pod: Pod): PriorityInfo | undefined {
    if (pod.spec.priority !== undefined) return undefined;
    const name = pod.spec.priorityClassName;
    const pc = name ? this.priorityClasses.lister.get(undefined, name) : this.priorityClasses.lister.list().find((c) => c.globalDefault);
    return pc ? { priority: pc.value ?? 0, preemptionPolicy: pc.preemptionPolicy ?? 'PreemptLowerPriority' } : undefined;
  }

  private podInfo(pod: Pod): PodInfo {
    return new PodInfo(pod, this.priorityOf(pod));
  }

  private readonly eventPlugins = new Map<string, Set<string>>();
  private pluginsFor(event: ClusterEvent): Set<string> {
    const k = `${event.resource}/${event.action}`;
    let set = this.eventPlugins.get(k);
    if (!set) {
      set = new Set();
      for (const f of this.profiles.values()) for (const n of f.pluginsFor(event)) set.add(n);
      this.eventPlugins.set(k, set);
    }
    return set;
  }

  async start(): Promise<void> {
    const nodes = this.informers.forResource<Node>(coreResources.nodes);
    const namespaces = this.informers.forResource<KubeObject>(coreResources.namespaces);
    this.removers.push(namespaces.addEventHandler({
      onAdd: (ns) => this.cache.setNamespace(ns, false),
      onUpdate: (_o, ns) => { this.cache.setNamespace(ns, false); this.queue.onEvent({ resource: 'Namespace', action: 'Update' }); },
      onDelete: (ns) => this.cache.setNamespace(ns, true),
    }));
    this.removers.push(nodes.addEventHandler({
      onAdd: (n) => { this.cache.setNode(n); this.queue.onEvent({ resource: 'Node', action: 'Add' }); },
      onUpdate: (_o, n) => { this.cache.setNode(n); this.queue.onEvent({ resource: 'Node', action: 'Update' }); },
      onDelete: (n) => this.cache.removeNode(n.metadata?.name ?? ''),
    }));
    this.removers.push(this.podInformer.addEventHandler({
      onAdd: (p) => this.onPod(undefined, p),
      onUpdate: (old, p) => this.onPod(old, p),
      onDelete: (p) => this.onPodDeleted(p),
    }));
    this.informers.start();
    await Promise.all([nodes.waitForSync(), namespaces.waitForSync(), this.priorityClasses.waitForSync(), this.podInformer.waitForSync()]);
    this.loop ??= this.run();
  }

  private responsible(p: Pod): boolean {
    return this.profiles.has(p.spec.schedulerName ?? 'default-scheduler');
  }

  private onPod(old: Pod | undefined, p: Pod): void {
    const key = podKey(p);
    if (p.spec.nodeName) {
      this.cache.observe(p);
      if (old && !old.spec.nodeName) this.queue.delete(key);
      // Only changes that could help a waiting pod count as events (upstream's queueing
      // hints): a pod placed, finished, or relabelled; kubelet status updates do not.
      if (terminal(p) && !(old && terminal(old))) this.queue.onEvent({ resource: 'Pod', action: 'Delete' });
      else if (!old || !old.spec.nodeName) this.queue.onEvent({ resource: 'Pod', action: 'Add' });
      else if (!sameLabels(old.metadata?.labels, p.metadata?.labels)) this.queue.onEvent({ resource: 'Pod', action: 'Update' });
      return;
    }
    if (!this.responsible(p) || terminal(p)) return;
    if (p.metadata?.deletionTimestamp) { this.queue.delete(key); return; }
    if (this.cache.isAssumed(key)) return;
    if (old) this.queue.update(this.podInfo(p));
    else this.queue.add(this.podInfo(p));
  }

  private onPodDeleted(p: Pod): void {
    const key = podKey(p);
    if (p.spec.nodeName || this.cache.isAssumed(key)) {
      this.cache.removePod(key);
      this.queue.onEvent({ resource: 'Pod', action: 'Delete' });
    }
    this.queue.delete(key);
  }

  private async run(): Promise<void> {
    for (;;) {
      const q = await this.queue.pop();
      if (!q) return;
      try {
        await this.scheduleOne(q);
      } catch (err: unknown) {
        this.o.logger?.error({ err, pod: q.podInfo.key }, 'scheduling cycle failed');
        this.queue.requeueFailed(q, this.queue.schedulingCycle, { error: true });
      }
      while (this.binds.size >= (this.o.maxBindsInFlight ?? 64)) await Promise.race(this.binds);
      // Let watch events and binding answers in between cycles.
      await yieldToEventLoop();
    }
  }

  private async scheduleOne(q: QueuedPodInfo): Promise<void> {
    const key = q.podInfo.key;
    const [ns, name] = [q.podInfo.pod.metadata?.namespace, q.podInfo.pod.metadata?.name ?? ''];
    const live = this.podInformer.lister.get(ns, name);
    if (!live || live.spec.nodeName || live.metadata?.deletionTimestamp || this.cache.isAssumed(key)) {
      this.queue.done(key);
      return;
    }
    const podInfo = live === q.podInfo.pod ? q.podInfo : this.podInfo(live);
    const fwk = this.profiles.get(live.spec.schedulerName ?? 'default-scheduler');
    if (!fwk) { this.queue.done(key); return; }
    this.stats.attempts++;
    const cycle = this.queue.schedulingCycle;
    const state = new CycleState();
    const outcome = this.algorithm.schedule(fwk, this.cache, podInfo, state);
    if (!outcome.ok) {
      if (outcome.error) return this.fail(q, cycle, live, outcome.error, true);
      const d = outcome.diagnosis;
      let postFilterMessage: string | undefined;
      let nominated: string | undefined;
      if (d.nodeStatuses.size > 0) {
        const r = await fwk.runPostFilter(state, podInfo, d.nodeStatuses);
        if (r?.status) postFilterMessage = r.status.reasons.join(', ');
        nominated = r?.nominatedNodeName;
      }
      q.unschedulablePlugins = new Set(d.unschedulablePlugins);
      const message = fitErrorMessage({ ...d, ...(postFilterMessage ? { postFilterMessage } : {}) });
      this.stats.unschedulable++;
      this.queue.requeueFailed(q, cycle, { error: false });
      this.report(live, message, nominated);
      return;
    }
    const nodeName = outcome.nodeName;
    this.cache.assume(podInfo, nodeName);
    const reserved = fwk.runReserve(state, podInfo, nodeName);
    if (reserved) { this.cache.forget(key); return this.fail(q, cycle, live, reserved, reserved.code === 'Error'); }
    const permit = fwk.runPermit(state, podInfo, nodeName);
    if (permit) {
      fwk.runUnreserve(state, podInfo, nodeName);
      this.cache.forget(key);
      return this.fail(q, cycle, live, permit, permit.code === 'Error');
    }
    this.stats.bindsInFlight++;
    const bind = fwk.runBind(state, podInfo, nodeName).then((s: Result) => {
      this.stats.bindsInFlight--;
      if (s) {
        fwk.runUnreserve(state, podInfo, nodeName);
        this.cache.forget(key);
        this.fail(q, cycle, live, { ...s, reasons: [`binding rejected: ${s.reasons.join(', ')}`] }, true);
        return;
      }
      this.queue.done(key);
      this.stats.scheduled++;
      this.o.onBound?.(live, nodeName);
      if (this.o.recordScheduledEvents ?? true) {
        this.recorder.record({ regarding: live, type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${ns ?? 'default'}/${name} to ${nodeName}` });
      }
    });
    this.binds.add(bind);
    void bind.finally(() => this.binds.delete(bind));
  }

  private fail(q: QueuedPodInfo, cycle: number, pod: Pod, s: Status, error: boolean): void {
    if (error) this.stats.errors++;
    else this.stats.unschedulable++;
    if (s.plugin) q.unschedulablePlugins = new Set([s.plugin]);
    this.queue.requeueFailed(q, cycle, { error });
    this.report(pod, error ? s.reasons.join(', ') : `0/${this.cache.nodes.length} nodes are available: ${s.reasons.join(', ')}.`, undefined);
  }

  /** PodScheduled=False with the message, and a FailedScheduling event. */
  private report(pod: Pod, message: string, nominatedNodeName: string | undefined): void {
    this.recorder.record({ regarding: pod, type: 'Warning', reason: 'FailedScheduling', message });
    applyFailure(this.pods, pod, message, nominatedNodeName).catch((err: unknown) => this.o.logger?.debug({ err }, 'pod status update failed'));
  }

  private async bindViaApi(pod: Pod, nodeName: string): Promise<void> {
    const meta = pod.metadata ?? {};
    await this.pods.createSubresource(meta.namespace, meta.name ?? '', 'binding', {
      apiVersion: 'v1', kind: 'Binding', metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    });
  }

  private async preempt(pod: Pod, victims: readonly Pod[], nodeName: string): Promise<void> {
    for (const v of victims) {
      const meta = v.metadata ?? {};
      await this.pods.delete(meta.namespace, meta.name ?? '', { preconditions: { uid: meta.uid ?? '' } }).catch(() => undefined);
      this.recorder.record({ regarding: v, type: 'Normal', reason: 'Preempted', message: `Preempted by pod ${pod.metadata?.uid ?? ''} on node ${nodeName}` });
    }
  }

  /** A NodeInfo view for tests and tools. */
  nodeInfo(name: string): NodeInfo | undefined {
    return this.cache.get(name);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.queue.close();
      await this.loop;
      await Promise.allSettled([...this.binds]);
      this.recorder.stop();
      for (const r of this.removers) r();
      if (this.ownsInformers) await this.informers.stop();
    })();
    return this.stopping;
  }
}

export async function startScheduler(o: SchedulerOptions): Promise<Scheduler> {
  const s = new Scheduler(o);
  await s.start();
  return s;
}
