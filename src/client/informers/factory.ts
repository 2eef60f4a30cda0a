/**
 * One informer per resource (and selector set) shared by every consumer in a process, so
 * the scheduler, controllers and simulator watching pods cost one watch, not three. The
 * factory owns its informers: stop() stops them all and is idempotent.
 */
import type { KubeObject } from '../../api/types.js';
import type { RestClient } from '../rest.js';
import { ResourceClient, type GroupVersionResource } from '../typed/resource-client.js';
import { Informer, listWatchFor, type InformerOptions } from './informer.js';

export interface InformerScope {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;
  private stopped = false;

  constructor(readonly rest: RestClient, private readonly opts: InformerOptions = {}) {}

  /** The shared informer for a resource; created on first request, started if the factory is. */
  forResource<T extends KubeObject = KubeObject>(gvr: GroupVersionResource, scope: InformerScope = {}): Informer<T> {
    const key = `${gvr.group}/${gvr.version}/${gvr.resource}?${scope.namespace ?? ''}&${scope.labelSelector ?? ''}&${scope.fieldSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      const client = new ResourceClient<KubeObject>(this.rest, gvr);
      inf = new Informer<KubeObject>(listWatchFor(client, scope), this.opts);
      this.informers.set(key, inf);
      if (this.started && !this.stopped) inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  start(): void {
    if (this.stopped) return;
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  async waitForCacheSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
