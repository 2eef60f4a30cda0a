/**
 * Node registration and heartbeats: the Node object (capacity, allocatable, addresses,
 * nodeInfo, conditions), its Lease in kube-node-lease renewed every 5 s, and the status
 * re-posted every minute or when a condition changes. The pod CIDR comes from the node IPAM
 * controller (src/controllers/nodeipam); when none arrives in time (no controllers run, e.g.
 * `skiff server --no-controllers`) the agent takes the lowest free /24 of the cluster CIDR itself.
 */
import type { KubeObject } from '../api/types.js';
import { StatusError } from '../client/errors.js';
import type { RestClient } from '../client/rest.js';
import { ResourceClient, coreResources } from '../client/typed/index.js';
import { machineFacts, pressure, type MachineFacts } from './machine.js';
import { kubeTime } from './pod-types.js';
import { firstFreeBlock } from '../controllers/nodeipam/index.js';
import { defaultClusterNetwork } from '../join/network-config.js';

export interface NodeIdentity {
  name: string; address: string; storageDir: string; labels?: Record<string, string>; maxPods?: number;
  /** The port the node's streaming endpoint serves on (status.daemonEndpoints.kubeletEndpoint); default the kubelet's 10250. */
  kubeletPort?: number;
  /** How long to wait for the IPAM controller's pod CIDR before taking one (default 10 s, SKIFF_POD_CIDR_WAIT_MS). */
  podCidrWaitMs?: number;
}

const podCidrOf = (n: KubeObject): string => ((n.spec ?? {}) as { podCIDR?: string }).podCIDR ?? '';

function defaultPodCidrWaitMs(): number {
  const v = process.env.SKIFF_POD_CIDR_WAIT_MS;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : 10_000;
}

type Condition = { type: string; status: string; reason: string; message: string; lastHeartbeatTime: string; lastTransitionTime: string };

const leaseSeconds = 40;
/**
 * Upstream renews every 10 s against a 40 s node monitor grace; skiff's grace is 20 s (pods
 * move within a minute of a loss), so renewals come twice as often to keep the same margin
 * of three missed renewals on a busy machine.
 */
const renewEveryMs = 5_000;

/** The lowest /24 of the cluster CIDR no other Node has (as the IPAM controller would give). */
export function choosePodCidr(taken: ReadonlySet<string>, clusterCidr = defaultClusterNetwork.clusterCIDR): string {
  const cidr = firstFreeBlock(clusterCidr, 24, taken);
  if (!cidr) throw new Error(`no free /24 left in the cluster CIDR ${clusterCidr}`);
  return cidr;
}

export function nodeConditions(p: { memory: boolean; disk: boolean; pid: boolean }, previous: readonly Condition[], now: string): Condition[] {
  const wanted: Array<[string, boolean, string, string, string, string]> = [
    ['MemoryPressure', p.memory, 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', p.disk, 'KubeletHasDiskPressure', 'kubelet has disk pressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', p.pid, 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ];
  const out: Condition[] = wanted.map(([type, on, rOn, mOn, rOff, mOff]) => {
    const status = on ? 'True' : 'False';
    const before = previous.find((c) => c.type === type);
    return { type, status, reason: on ? rOn : rOff, message: on ? mOn : mOff, lastHeartbeatTime: now, lastTransitionTime: before?.status === status ? before.lastTransitionTime : now };
  });
  const ready = previous.find((c) => c.type === 'Ready');
  out.push({ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: ready?.status === 'True' ? ready.lastTransitionTime : now });
  return out;
}

export function nodeStatus(id: NodeIdentity, m: MachineFacts, conditions: Condition[]): Record<string, unknown> {
  const capacity = { cpu: String(m.cpus), memory: `${Math.floor(m.memoryBytes / 1024)}Ki`, pods: String(m.maxPods), 'ephemeral-storage': `${Math.floor(m.ephemeralStorageBytes / 1024)}Ki` };
  return {
    capacity, allocatable: { ...capacity },
    conditions,
    addresses: [{ type: 'InternalIP', address: id.address }, { type: 'Hostname', address: id.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: id.kubeletPort ?? 10250 } },
    nodeInfo: {
      machineID: m.machineID, systemUUID: m.machineID, bootID: m.bootID, kernelVersion: m.kernelVersion, osImage: m.osImage,
      containerRuntimeVersion: 'skiff://0.1.0', kubeletVersion: 'v1.32.0-skiff', kubeProxyVersion: 'v1.32.0-skiff', operatingSystem: 'linux', architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    },
  };
}

export class NodeRegistration {
  private readonly nodes: ResourceClient;
  private readonly leases: ResourceClient;
  private timer: NodeJS.Timeout | undefined;
  private lastStatusPost = 0;
  private lastPressure = '';
  private nodeUid: string | undefined;
  podCidr = '';
  /** The pod network the fallback /24 comes from (the agent sets it from the cluster's network config). */
  clusterCidr = defaultClusterNetwork.clusterCIDR;

  constructor(rest: RestClient, private readonly id: NodeIdentity, private readonly onError: (err: unknown) => void) {
    this.nodes = new ResourceClient(rest, coreResources.nodes);
    this.leases = new ResourceClient(rest, coreResources.leases);
  }

  /** Creates (or adopts) the Node, posts its status and the first Lease. */
  async register(): Promise<void> {
    let node: KubeObject;
    try {
      node = await this.nodes.get(undefined, this.id.name);
    } catch (err: unknown) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
      node = await this.nodes.create(undefined, {
        apiVersion: 'v1', kind: 'Node',
        metadata: { name: this.id.name, labels: { 'kubernetes.io/hostname': this.id.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', ...this.id.labels }, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
        spec: {},
      });
    }
    this.nodeUid = node.metadata?.uid;
    if (!podCidrOf(node)) node = await this.awaitPodCidr();
    this.podCidr = podCidrOf(node);
    await this.postStatus(node);
    await this.renewLease();
  }

  /** The Node once the IPAM controller gave it a pod CIDR; after the wait, with one taken here. */
  private async awaitPodCidr(): Promise<KubeObject> {
    const deadline = Date.now() + (this.id.podCidrWaitMs ?? defaultPodCidrWaitMs());
    for (;;) {
      const node = await this.nodes.get(undefined, this.id.name);
      if (podCidrOf(node)) return node;
      if (Date.now() >= deadline) {
        const all = await this.nodes.list(undefined);
        const cidr = choosePodCidr(new Set(all.items.map(podCidrOf)), this.clusterCidr);
        try {
          // With the resourceVersion: a controller that got there first wins, and we read again.
          return await this.nodes.update({ ...node, spec: { ...((node.spec ?? {}) as Record<string, unknown>), podCIDR: cidr, podCIDRs: [cidr] } });
        } catch (err: unknown) {
          if (!(err instanceof StatusError && err.code === 409)) throw err;
          continue;
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  start(): void {
    this.timer = setInterval(() => {
      this.heartbeat().catch(this.onError);
    }, renewEveryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async heartbeat(): Promise<void> {
    await this.renewLease();
    const p = pressure(this.id.storageDir);
    const key = JSON.stringify(p);
    if (key !== this.lastPressure || Date.now() - this.lastStatusPost > 60_000) await this.postStatus(await this.nodes.get(undefined, this.id.name));
  }

  /** The streaming endpoint's real port (skiff agent --streaming-port), posted at once. */
  async setKubeletPort(port: number): Promise<void> {
    this.id.kubeletPort = port;
    await this.postStatus(await this.nodes.get(undefined, this.id.name));
  }

  private async postStatus(node: KubeObject): Promise<void> {
    const p = pressure(this.id.storageDir);
    this.lastPressure = JSON.stringify(p);
    const previous = (((node.status ?? {}) as { conditions?: Condition[] }).conditions) ?? [];
    const status = nodeStatus(this.id, machineFacts(this.id.storageDir, this.id.maxPods), nodeConditions(p, previous, kubeTime()));
    await this.nodes.patch(undefined, this.id.name, 'merge', { status }, { subresource: 'status' });
    this.lastStatusPost = Date.now();
  }

  private async renewLease(): Promise<void> {
    const renewTime = new Date().toISOString().replace(/Z$/, '000Z');
    const spec = { holderIdentity: this.id.name, leaseDurationSeconds: leaseSeconds, renewTime };
    try {
      const current = await this.leases.get('kube-node-lease', this.id.name);
      await this.leases.update({ ...current, spec: { ...(current.spec as Record<string, unknown>), ...spec } });
    } catch (err: unknown) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
      await this.leases.create('kube-node-lease', {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name: this.id.name, namespace: 'kube-node-lease', ...(this.nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.id.name, uid: this.nodeUid }] } : {}) },
        spec,
      });
    }
  }
}
