/**
 * Where the proxy and DNS read Services and EndpointSlices from: informers (list + watch)
 * through the client library, behind a small interface so tests can feed fixed objects.
 */
import type { SharedInformerFactory } from '../client/informers/index.js';
import type { GroupVersionResource } from '../client/typed/index.js';
import type { EndpointSliceObject, ServiceObject } from './model.js';

export interface ServiceSource {
  services(): ServiceObject[];
  slices(): EndpointSliceObject[];
  /** Calls back on every change; returns the unsubscribe function. */
  onChange(cb: () => void): () => void;
  /** Resolves once the first list of both resources is in. */
  waitForSync(): Promise<void>;
}

export const servicesGvr: GroupVersionResource = { group: '', version: 'v1', resource: 'services', namespaced: true };
export const endpointSlicesGvr: GroupVersionResource = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };

/** A source over a shared informer factory (the caller starts and stops the factory). */
export function informerSource(factory: SharedInformerFactory): ServiceSource {
  const svc = factory.forResource<ServiceObject>(servicesGvr);
  const slices = factory.forResource<EndpointSliceObject>(endpointSlicesGvr);
  return {
    services: () => svc.lister.list(),
    slices: () => slices.lister.list(),
    onChange(cb) {
      const h = { onAdd: () => cb(), onUpdate: () => cb(), onDelete: () => cb() };
      const a = svc.addEventHandler(h);
      const b = slices.addEventHandler(h);
      return () => { a(); b(); };
    },
    waitForSync: async () => { await Promise.all([svc.waitForSync(), slices.waitForSync()]); },
  };
}

/** A source of fixed objects that tests replace with set(). */
export class StaticSource implements ServiceSource {
  private readonly listeners = new Set<() => void>();
  constructor(private svcs: ServiceObject[] = [], private sl: EndpointSliceObject[] = []) {}
  services(): ServiceObject[] { return this.svcs; }
  slices(): EndpointSliceObject[] { return this.sl; }
  set(services: ServiceObject[], slices: EndpointSliceObject[]): void {
    this.svcs = services;
    this.sl = slices;
    for (const l of this.listeners) l();
  }
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => { this.listeners.delete(cb); };
  }
  waitForSync(): Promise<void> { return Promise.resolve(); }
}
