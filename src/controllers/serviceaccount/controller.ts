/**
 * The ServiceAccount controller (upstream serviceaccounts-controller): every active namespace
 * has a `default` ServiceAccount; deleting it brings it back.
 */
import type { KubeObject } from '../../api/types.js';
import { StatusError } from '../../client/index.js';
import type { Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { gvr } from '../base/resources.js';

export const defaultServiceAccountName = 'default';

export class ServiceAccountController extends QueueController {
  readonly name = 'serviceaccount';
  private nsInformer!: Informer<KubeObject>;
  private saInformer!: Informer<KubeObject>;
  private readonly saClient: ResourceClient<KubeObject>;

  constructor(ctx: ControllerContext) {
    super(ctx, 1);
    this.saClient = new ResourceClient<KubeObject>(ctx.rest, gvr.serviceAccounts);
  }

  setup(): void {
    this.nsInformer = this.ctx.informers.forResource(gvr.namespaces);
    this.saInformer = this.ctx.informers.forResource(gvr.serviceAccounts);
    this.nsInformer.addEventHandler({ onAdd: (ns) => this.enqueue(ns), onUpdate: (_o, ns) => this.enqueue(ns) });
    this.saInformer.addEventHandler({
      onDelete: (sa) => { if (sa.metadata?.name === defaultServiceAccountName && sa.metadata.namespace) this.queue.add(sa.metadata.namespace); },
    });
  }

  protected async sync(namespace: string): Promise<void> {
    const ns = this.nsInformer.lister.get(undefined, namespace);
    if (!ns || ns.metadata?.deletionTimestamp || (ns['status'] as { phase?: string } | undefined)?.phase === 'Terminating') return;
    if (this.saInformer.lister.get(namespace, defaultServiceAccountName)) return;
    try {
      await this.saClient.create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: defaultServiceAccountName, namespace } });
    } catch (err: unknown) {
      // Already there (the cache lagged) or the namespace began terminating: both fine.
      if (err instanceof StatusError && (err.code === 409 || err.code === 403)) return;
      throw err;
    }
  }
}
