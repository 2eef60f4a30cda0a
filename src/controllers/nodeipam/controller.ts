/**
 * Node IPAM, as upstream's range allocator: every Node without spec.podCIDR gets the lowest
 * free node-sized block (/24) of the cluster CIDR, written with the Node's resourceVersion
 * so two writers never hand out one block twice. Blocks of deleted Nodes are free again.
 * One worker: allocations are decided one at a time against the cache plus what this
 * controller wrote and the cache may not show yet.
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import type { Informer } from '../../client/informers/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { gvr } from '../base/resources.js';
import { firstFreeBlock, parseCidr } from './cidrs.js';

interface NodeObj extends KubeObject { spec?: { podCIDR?: string; podCIDRs?: string[]; [k: string]: unknown } }

export interface NodeIpamOptions {
  /** The cluster's pod CIDR (skiff server --cluster-cidr; default 10.42.0.0/16). */
  readonly clusterCIDR?: string;
  /** Size of each node's block (upstream --node-cidr-mask-size, 24). */
  readonly nodeMaskSize?: number;
}

export const defaultClusterCIDR = '10.42.0.0/16';

export class NodeIpamController extends QueueController {
  readonly name = 'nodeipam';
  private nodeInformer!: Informer<NodeObj>;
  private readonly nodes: ResourceClient<NodeObj>;
  private readonly clusterCIDR: string;
  private readonly maskSize: number;
  /** Blocks this controller assigned, by node name, until the cache shows them. */
  private readonly assigned = new Map<string, string>();

  constructor(ctx: ControllerContext, o: NodeIpamOptions = {}) {
    super(ctx, 1);
    this.clusterCIDR = o.clusterCIDR ?? defaultClusterCIDR;
    this.maskSize = o.nodeMaskSize ?? 24;
    parseCidr(this.clusterCIDR); // refuse a bad flag at start, not per node
    this.nodes = new ResourceClient<NodeObj>(ctx.rest, gvr.nodes);
  }

  setup(): void {
    this.nodeInformer = this.ctx.informers.forResource<NodeObj>(gvr.nodes);
    this.nodeInformer.addEventHandler({
      onAdd: (n) => this.enqueue(n),
      onUpdate: (_o, n) => this.enqueue(n),
      onDelete: (n) => this.assigned.delete(n.metadata?.name ?? ''),
    });
  }

  private taken(): Set<string> {
    const taken = new Set<string>();
    for (const n of this.nodeInformer.lister.list()) {
      for (const c of [n.spec?.podCIDR, ...(n.spec?.podCIDRs ?? [])]) if (c) taken.add(c);
      const mine = this.assigned.get(n.metadata?.name ?? '');
      if (mine) taken.add(mine);
    }
    return taken;
  }

  protected async sync(name: string): Promise<void> {
    const cached = this.nodeInformer.lister.get(undefined, name);
    if (!cached) {
      this.assigned.delete(name);
      return;
    }
    if (cached.spec?.podCIDR) {
      this.assigned.delete(name);
      return;
    }
    // Written already; the cache has not caught up.
    if (this.assigned.has(name)) return;
    const cidr = firstFreeBlock(this.clusterCIDR, this.maskSize, this.taken());
    if (!cidr) {
      this.ctx.events('cidrAllocator', { apiVersion: 'v1', kind: 'Node' }).event(cached, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      throw new Error(`no free /${this.maskSize} left in ${this.clusterCIDR} for node ${name}`);
    }
    const node = structuredClone(cached);
    try {
      await this.nodes.update({ ...node, spec: { ...(node.spec ?? {}), podCIDR: cidr, podCIDRs: [cidr] } });
    } catch (err: unknown) {
      if (isNotFound(err)) return;
      // Someone else wrote the Node (maybe its agent took a block itself): look again.
      if (err instanceof StatusError && err.code === 409) { this.queue.add(name); return; }
      throw err;
    }
    this.assigned.set(name, cidr);
    this.ctx.events('cidrAllocator', { apiVersion: 'v1', kind: 'Node' }).event(cached, 'Normal', 'CIDRAssignmentSucceeded', `Node ${name} was assigned pod CIDR ${cidr}`);
  }
}
