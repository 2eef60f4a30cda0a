/**
 * What the scheduler knows about one node: the Node, its allocatable resources, and the pods
 * on it (bound or assumed) with their summed requests and host ports, so filters and scores
 * are O(1) per node. PodInfo caches what is derived from a pod once (requests, ports).
 */
import type { ContainerPort, Node, Pod, PodAffinityTerm } from './api.js';
import { podKey } from './api.js';
import { nonZeroRequests, podRequests, Resources } from './resources.js';

/** A pod's priority and preemption policy, resolved from its PriorityClass when the pod has none. */
export interface PriorityInfo { readonly priority: number; readonly preemptionPolicy: string }

export class PodInfo {
  readonly key: string;
  readonly priority: number;
  readonly preemptionPolicy: string;
  readonly requests: Resources;
  readonly nonZero: { milliCPU: number; memory: number };
  readonly hostPorts: ContainerPort[];
  readonly requiredAffinity: PodAffinityTerm[];
  readonly requiredAntiAffinity: PodAffinityTerm[];
  /** The uid of the pod's controller (ownerReference with controller: true), if any. */
  readonly controllerUid: string | undefined;
  /** The controller this pod counts for in spreading: none once it is being deleted. */
  readonly spreadingController: string | undefined;

  constructor(readonly pod: Pod, resolved?: PriorityInfo) {
    this.key = podKey(pod);
    this.priority = pod.spec.priority ?? resolved?.priority ?? 0;
    this.preemptionPolicy = pod.spec.preemptionPolicy ?? resolved?.preemptionPolicy ?? 'PreemptLowerPriority';
    this.requests = podRequests(pod);
    this.nonZero = nonZeroRequests(pod);
    this.hostPorts = [];
    for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
      for (const p of c.ports ?? []) if (p.hostPort) this.hostPorts.push(p);
    }
    this.requiredAffinity = pod.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    this.requiredAntiAffinity = pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    this.controllerUid = pod.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
    this.spreadingController = pod.metadata?.deletionTimestamp ? undefined : this.controllerUid;
  }

  get hasAffinity(): boolean {
    const a = this.pod.spec.affinity;
    return Boolean(a?.podAffinity || a?.podAntiAffinity);
  }
}

export function portKey(p: ContainerPort): string {
  return `${p.protocol ?? 'TCP'}/${p.hostPort ?? 0}`;
}

export class NodeInfo {
  node: Node;
  allocatable: Resources;
  readonly requested = new Resources();
  readonly nonZeroRequested = { milliCPU: 0, memory: 0 };
  readonly pods = new Map<string, PodInfo>();
  /** `protocol/port` -> host IPs using it ('0.0.0.0' for all). */
  readonly usedPorts = new Map<string, string[]>();
  /** Pods here with (anti-)affinity terms, for InterPodAffinity. */
  readonly podsWithAffinity = new Set<PodInfo>();
  /**
   * Pods here per controller uid (not counting pods being deleted): default topology spreading
   * counts a ReplicaSet's pods on every node for every pod it schedules, which walking the
   * node's pods made O(pods in the cluster) per scheduling cycle.
   */
  readonly podsByController = new Map<string, number>();
  imageSizes = new Map<string, number>();
  /** Bumped on every change, so snapshots can tell what moved. */
  generation = 0;

  constructor(node: Node) {
    this.node = node;
    this.allocatable = Resources.fromList(node.status?.allocatable ?? node.status?.capacity);
    this.refreshImages();
  }

  get name(): string {
    return this.node.metadata?.name ?? '';
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = Resources.fromList(node.status?.allocatable ?? node.status?.capacity);
    this.refreshImages();
    this.generation++;
  }

  private refreshImages(): void {
    this.imageSizes = new Map();
    for (const img of this.node.status?.images ?? []) for (const n of img.names ?? []) this.imageSizes.set(n, img.sizeBytes ?? 0);
  }

  addPod(pi: PodInfo): void {
    if (this.pods.has(pi.key)) this.removePod(pi.key);
    this.pods.set(pi.key, pi);
    this.requested.add(pi.requests);
    this.requested.allowedPodNumber += 1;
    this.nonZeroRequested.milliCPU += pi.nonZero.milliCPU;
    this.nonZeroRequested.memory += pi.nonZero.memory;
    for (const p of pi.hostPorts) {
      const k = portKey(p);
      const list = this.usedPorts.get(k) ?? [];
      list.push(p.hostIP || '0.0.0.0');
      this.usedPorts.set(k, list);
    }
    if (pi.hasAffinity) this.podsWithAffinity.add(pi);
    const owner = pi.spreadingController;
    if (owner !== undefined) this.podsByController.set(owner, (this.podsByController.get(owner) ?? 0) + 1);
    this.generation++;
  }

  removePod(key: string): PodInfo | undefined {
    const pi = this.pods.get(key);
    if (!pi) return undefined;
    this.pods.delete(key);
    this.requested.add(pi.requests, -1);
    this.requested.allowedPodNumber -= 1;
    this.nonZeroRequested.milliCPU -= pi.nonZero.milliCPU;
    this.nonZeroRequested.memory -= pi.nonZero.memory;
    for (const p of pi.hostPorts) {
      const k = portKey(p);
      const list = this.usedPorts.get(k) ?? [];
      const i = list.indexOf(p.hostIP || '0.0.0.0');
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.usedPorts.delete(k);
    }
    this.podsWithAffinity.delete(pi);
    const owner = pi.spreadingController;
    if (owner !== undefined) {
      const left = (this.podsByController.get(owner) ?? 0) - 1;
      if (left > 0) this.podsByController.set(owner, left);
      else this.podsByController.delete(owner);
    }
    this.generation++;
    return pi;
  }
}
