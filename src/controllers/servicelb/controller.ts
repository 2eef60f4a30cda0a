/**
 * The service load balancer controller (k3s servicelb / klipper-lb in spirit): Services of
 * type LoadBalancer get status.loadBalancer.ingress = the InternalIPs of the Ready nodes,
 * instead of staying <pending>. No pods are started for it: the service proxy on every node
 * accepts the Service's port on those addresses and DNATs to the endpoints (src/proxy).
 * Node changes re-queue every LoadBalancer Service (addresses follow nodes joining, leaving
 * and going NotReady). With externalTrafficPolicy Local only the nodes that host a ready
 * endpoint are listed (the others drop such traffic), so EndpointSlices are watched too.
 */
import { isNotFound } from '../../client/index.js';
import { keyOf, splitKey, type Informer } from '../../client/informers/index.js';
import { ResourceClient, type GroupVersionResource } from '../../client/typed/index.js';
import type { KubeObject } from '../../api/types.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { gvr } from '../base/resources.js';

const endpointSlicesGvr: GroupVersionResource = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };
const serviceNameLabel = 'kubernetes.io/service-name';
import { desiredIngress, ingressAddresses, nodesWithReadyEndpoints, sameIngress, type ServiceView } from './ingress.js';

export class ServiceLoadBalancerController extends QueueController {
  readonly name = 'servicelb';
  private svcInformer!: Informer<ServiceView>;
  private nodeInformer!: Informer<KubeObject>;
  private sliceInformer!: Informer<KubeObject>;
  private readonly services: ResourceClient<ServiceView>;

  constructor(ctx: ControllerContext) {
    super(ctx, 1);
    this.services = new ResourceClient<ServiceView>(ctx.rest, gvr.services);
  }

  setup(): void {
    this.svcInformer = this.ctx.informers.forResource<ServiceView>(gvr.services);
    this.nodeInformer = this.ctx.informers.forResource<KubeObject>(gvr.nodes);
    this.svcInformer.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s) });
    const everyLoadBalancer = (): void => {
      for (const s of this.svcInformer.lister.list()) if (s.spec?.type === 'LoadBalancer') this.queue.add(keyOf(s));
    };
    this.nodeInformer.addEventHandler({ onAdd: everyLoadBalancer, onUpdate: everyLoadBalancer, onDelete: everyLoadBalancer });
    this.sliceInformer = this.ctx.informers.forResource<KubeObject>(endpointSlicesGvr);
    const serviceOf = (slice: KubeObject): void => {
      const svc = slice.metadata?.labels?.[serviceNameLabel];
      if (svc && slice.metadata?.namespace) this.queue.add(`${slice.metadata.namespace}/${svc}`);
    };
    this.sliceInformer.addEventHandler({ onAdd: serviceOf, onUpdate: (_o, s) => serviceOf(s), onDelete: serviceOf });
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.svcInformer.lister.get(namespace, name);
    if (!svc) return;
    const local = svc.spec?.externalTrafficPolicy === 'Local'
      ? nodesWithReadyEndpoints(this.sliceInformer.lister.list(namespace !== undefined ? { namespace } : {}).filter((s) => s.metadata?.labels?.[serviceNameLabel] === name))
      : undefined;
    const wanted = desiredIngress(svc, ingressAddresses(this.nodeInformer.lister.list(), local));
    if (wanted === undefined || sameIngress(svc.status?.loadBalancer?.ingress, wanted)) return;
    try {
      // A merge patch of the status alone: no resourceVersion race with spec edits, and a
      // list replaces the old one whole.
      await this.services.patch(namespace, name, 'merge', { status: { loadBalancer: { ingress: wanted.length > 0 ? wanted : null } } }, { subresource: 'status' });
    } catch (err: unknown) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.ctx.log(`servicelb: ${key} ingress ${wanted.map((w) => w.ip).join(',') || '(none)'}`);
  }
}
