/**
 * The Endpoints and EndpointSlice controllers in one (they read the same Services and pods):
 * for every Service with a selector, an Endpoints object of the same name and
 * EndpointSlices labelled kubernetes.io/service-name, owned by the Service, kept equal to
 * compute.ts's view of the selected pods. Services without a selector are left to users.
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import { splitKey, type Informer } from '../../client/informers/index.js';
import { ResourceClient, type GroupVersionResource } from '../../client/typed/index.js';
import { labelSelectorFromSet } from '../../machinery/selectors.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { stableJson } from '../base/hash.js';
import type { Pod } from '../base/objects.js';
import { newControllerRef } from '../base/owners.js';
import { gvr } from '../base/resources.js';
import { endpointSubsets, sliceShapes, type EndpointSubset, type ServiceSpec, type SliceShape } from './compute.js';

interface Service extends KubeObject { spec?: ServiceSpec }
interface Endpoints extends KubeObject { subsets?: EndpointSubset[] }
interface EndpointSlice extends KubeObject, Partial<SliceShape> {}

const endpointsGvr: GroupVersionResource = { group: '', version: 'v1', resource: 'endpoints', namespaced: true };
const slicesGvr: GroupVersionResource = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };
export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
const managedBy = 'endpointslice-controller.k8s.io';

export class EndpointsController extends QueueController {
  readonly name = 'endpoints';
  private svcInformer!: Informer<Service>;
  private podInformer!: Informer<Pod>;
  private epInformer!: Informer<Endpoints>;
  private sliceInformer!: Informer<EndpointSlice>;
  private readonly epClient: ResourceClient<Endpoints>;
  private readonly sliceClient: ResourceClient<EndpointSlice>;

  constructor(ctx: ControllerContext) {
    super(ctx, 2);
    this.epClient = new ResourceClient<Endpoints>(ctx.rest, endpointsGvr);
    this.sliceClient = new ResourceClient<EndpointSlice>(ctx.rest, slicesGvr);
  }

  setup(): void {
    this.svcInformer = this.ctx.informers.forResource<Service>(gvr.services);
    this.podInformer = this.ctx.informers.forResource<Pod>(gvr.pods);
    this.epInformer = this.ctx.informers.forResource<Endpoints>(endpointsGvr);
    this.sliceInformer = this.ctx.informers.forResource<EndpointSlice>(slicesGvr);
    this.svcInformer.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.enqueue(s) });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.enqueueServicesOf(p),
      onUpdate: (o, p) => { this.enqueueServicesOf(o); this.enqueueServicesOf(p); },
      onDelete: (p) => this.enqueueServicesOf(p),
    });
    // Someone else's edit to what we manage is undone.
    this.epInformer.addEventHandler({ onUpdate: (_o, e) => this.enqueue(e), onDelete: (e) => this.enqueue(e) });
    this.sliceInformer.addEventHandler({
      onUpdate: (_o, s) => this.enqueueForSlice(s),
      onDelete: (s) => this.enqueueForSlice(s),
    });
  }

  private enqueueForSlice(s: EndpointSlice): void {
    const svc = s.metadata?.labels?.[serviceNameLabel];
    if (svc && s.metadata?.labels?.[managedByLabel] === managedBy && s.metadata.namespace) this.queue.add(`${s.metadata.namespace}/${svc}`);
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const svc of this.svcInformer.lister.list({ namespace: pod.metadata.namespace ?? '' })) {
      const sel = svc.spec?.selector;
      if (sel && Object.keys(sel).length > 0 && labelSelectorFromSet(sel).matches(pod.metadata.labels)) this.enqueue(svc);
    }
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.svcInformer.lister.get(namespace, name);
    const selector = svc?.spec?.selector;
    if (!svc || !selector || Object.keys(selector).length === 0) {
      // Gone: its Endpoints go too (slices follow through their owner reference).
      if (!svc && this.epInformer.lister.get(namespace, name)) await this.epClient.delete(namespace, name).catch((err: unknown) => { if (!isNotFound(err)) throw err; });
      return;
    }
    const pods = this.podInformer.lister.list({ namespace: namespace ?? '', selector: labelSelectorFromSet(selector) });
    await this.syncEndpoints(svc, endpointSubsets(name, svc.spec ?? {}, pods));
    await this.syncSlices(svc, sliceShapes(name, svc.spec ?? {}, pods));
  }

  private async syncEndpoints(svc: Service, subsets: EndpointSubset[]): Promise<void> {
    const ns = svc.metadata?.namespace;
    const name = svc.metadata?.name ?? '';
    const existing = this.epInformer.lister.get(ns, name);
    const labels = { ...(svc.metadata?.labels ?? {}) };
    const body: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns ?? 'default', labels }, ...(subsets.length > 0 ? { subsets } : {}) };
    try {
      if (!existing) {
        await this.epClient.create(ns, body);
        return;
      }
      if (stableJson(existing.subsets ?? []) === stableJson(subsets) && stableJson(existing.metadata?.labels ?? {}) === stableJson(labels)) return;
      await this.epClient.update({ ...body, metadata: { ...existing.metadata, labels } });
    } catch (err: unknown) {
      if (err instanceof StatusError && err.code === 409) throw new Error(`endpoints ${ns}/${name} changed meanwhile; retrying`, { cause: err });
      throw err;
    }
  }

  private async syncSlices(svc: Service, shapes: SliceShape[]): Promise<void> {
    const ns = svc.metadata?.namespace ?? 'default';
    const name = svc.metadata?.name ?? '';
    const existing = this.sliceInformer.lister.list({ namespace: ns }).filter((s) => s.metadata?.labels?.[serviceNameLabel] === name && s.metadata.labels[managedByLabel] === managedBy);
    const labels = { ...(svc.metadata?.labels ?? {}), [serviceNameLabel]: name, [managedByLabel]: managedBy };
    const unused = [...existing];
    for (const shape of shapes) {
      // Reuse a slice with the same ports and address type where there is one.
      const i = unused.findIndex((s) => s.addressType === shape.addressType && stableJson(s.ports ?? []) === stableJson(shape.ports));
      const current = i >= 0 ? unused.splice(i, 1)[0] : unused.shift();
      if (!current) {
        await this.sliceClient.create(ns, {
          apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
          metadata: { generateName: `${name}-`, namespace: ns, labels, ownerReferences: [newControllerRef(svc, 'v1', 'Service')] },
          ...shape,
        });
        continue;
      }
      const same = current.addressType === shape.addressType && stableJson(current.ports ?? []) === stableJson(shape.ports)
        && stableJson(current.endpoints ?? []) === stableJson(shape.endpoints) && stableJson(current.metadata?.labels ?? {}) === stableJson(labels);
      if (same) continue;
      await this.sliceClient.update({ ...current, metadata: { ...current.metadata, labels }, ...shape });
    }
    // An empty Service keeps one empty slice, as upstream.
    if (shapes.length === 0 && existing.length === 0) {
      await this.sliceClient.create(ns, {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', endpoints: [], ports: [],
        metadata: { generateName: `${name}-`, namespace: ns, labels, ownerReferences: [newControllerRef(svc, 'v1', 'Service')] },
      });
    }
    const keepOne = shapes.length === 0 ? unused.shift() : undefined;
    if (keepOne && (keepOne.endpoints ?? []).length > 0) await this.sliceClient.update({ ...keepOne, endpoints: [] });
    for (const s of unused) await this.sliceClient.delete(ns, s.metadata?.name ?? '').catch((err: unknown) => { if (!isNotFound(err)) throw err; });
  }

}
