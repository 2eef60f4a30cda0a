/**
 * The pod garbage collector (upstream pkg/controller/podgc): every period it force-deletes
 * pods bound to nodes that no longer exist (confirmed with a GET, as the cache may lag),
 * terminating pods that were never scheduled, and the oldest finished pods beyond
 * `terminatedPodThreshold` (upstream --terminated-pod-gc-threshold, 12500).
 *
 * Lifecycle: run() loops until stop(); stop() is idempotent and clears the timer.
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound } from '../../client/index.js';
import type { Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import type { Controller, ControllerContext } from '../base/controller.js';
import type { Pod } from '../base/objects.js';
import { gvr } from '../base/resources.js';

export interface PodGcOptions { readonly periodMs?: number; readonly terminatedPodThreshold?: number }

export class PodGarbageCollector implements Controller {
  readonly name = 'podgc';
  private podInformer!: Informer<Pod>;
  private nodeInformer!: Informer<KubeObject>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly nodeClient: ResourceClient<KubeObject>;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly ctx: ControllerContext, private readonly o: PodGcOptions = {}) {
    this.podClient = new ResourceClient<Pod>(ctx.rest, gvr.pods);
    this.nodeClient = new ResourceClient<KubeObject>(ctx.rest, gvr.nodes);
  }

  setup(): void {
    this.podInformer = this.ctx.informers.forResource<Pod>(gvr.pods);
    this.nodeInformer = this.ctx.informers.forResource(gvr.nodes);
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.collect();
      } catch (err: unknown) {
        this.ctx.log('podgc: pass failed', { err: err instanceof Error ? err.message : String(err) });
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.o.periodMs ?? 20_000);
      });
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  private async forceDelete(pod: Pod, reason: string): Promise<void> {
    this.ctx.log(`podgc: deleting ${pod.metadata.namespace}/${pod.metadata.name}: ${reason}`);
    await this.podClient.delete(pod.metadata.namespace, pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid ?? '' } })
      .catch((err: unknown) => { if (!isNotFound(err) && !(err instanceof Error && /Precondition/.test(err.message))) throw err; });
  }

  private async collect(): Promise<void> {
    const pods = this.podInformer.lister.list();
    const missingNodes = new Map<string, boolean>();
    const nodeGone = async (name: string): Promise<boolean> => {
      if (this.nodeInformer.lister.get(undefined, name)) return false;
      let gone = missingNodes.get(name);
      if (gone === undefined) {
        gone = await this.nodeClient.get(undefined, name).then(() => false, (err: unknown) => { if (isNotFound(err)) return true; throw err; });
        missingNodes.set(name, gone);
      }
      return gone;
    };
    const finished: Pod[] = [];
    for (const pod of pods) {
      if (this.stopped) return;
      const node = pod.spec?.nodeName;
      if (node && (await nodeGone(node))) await this.forceDelete(pod, `node ${node} no longer exists`);
      else if (!node && pod.metadata.deletionTimestamp) await this.forceDelete(pod, 'terminating and never scheduled');
      else if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') finished.push(pod);
    }
    const threshold = this.o.terminatedPodThreshold ?? 12_500;
    if (finished.length <= threshold) return;
    finished.sort((a, b) => (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0));
    for (const pod of finished.slice(0, finished.length - threshold)) await this.forceDelete(pod, `more than ${threshold} terminated pods`);
  }
}
