/**
 * The scheduler's cache of nodes and of the pods placed on them, fed by informers and by the
 * scheduler itself: a pod is *assumed* on its node as soon as the scheduler decides, so the
 * next decision counts it without waiting for the binding's watch event; the informer's
 * event later *confirms* it, and a failed binding *forgets* it. Terminal pods hold nothing.
 */
import type { KubeObject } from '../../api/types.js';
import type { Node, Pod } from '../framework/api.js';
import { podKey } from '../framework/api.js';
import { NodeInfo, PodInfo, type PriorityInfo } from '../framework/node-info.js';
import type { Snapshot } from '../framework/types.js';

interface PodState { readonly info: PodInfo; readonly nodeName: string; assumed: boolean }

export class SchedulerCache implements Snapshot {
  private readonly nodeInfos = new Map<string, NodeInfo>();
  /** NodeInfos whose Node object exists (pods may arrive before their node). */
  private readonly withNode = new Set<string>();
  private nodeList: NodeInfo[] | undefined;
  private affinityList: NodeInfo[] | undefined;
  private readonly podStates = new Map<string, PodState>();
  private readonly namespaces = new Map<string, Readonly<Record<string, string>>>();

  /** `priorityOf` resolves PriorityClasses for pods whose priority the API did not set. */
  constructor(private readonly priorityOf: (pod: Pod) => PriorityInfo | undefined = () => undefined) {}

  get nodes(): readonly NodeInfo[] {
    this.nodeList ??= [...this.nodeInfos.values()].filter((n) => this.withNode.has(n.name));
    return this.nodeList;
  }

  get(name: string): NodeInfo | undefined {
    return this.withNode.has(name) ? this.nodeInfos.get(name) : undefined;
  }

  havePodsWithAffinity(): readonly NodeInfo[] {
    this.affinityList ??= this.nodes.filter((n) => n.podsWithAffinity.size > 0);
    return this.affinityList;
  }

  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined {
    return this.namespaces.get(namespace);
  }

  setNamespace(ns: KubeObject, deleted: boolean): void {
    const name = ns.metadata?.name ?? '';
    if (deleted) this.namespaces.delete(name);
    else this.namespaces.set(name, ns.metadata?.labels ?? {});
  }

  setNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const existing = this.nodeInfos.get(name);
    if (existing) existing.setNode(node);
    else this.nodeInfos.set(name, new NodeInfo(node));
    if (!this.withNode.has(name)) {
      this.withNode.add(name);
      this.nodeList = undefined;
      this.affinityList = undefined;
    }
  }

  removeNode(name: string): void {
    const info = this.nodeInfos.get(name);
    this.withNode.delete(name);
    if (info && info.pods.size === 0) this.nodeInfos.delete(name);
    this.nodeList = undefined;
    this.affinityList = undefined;
  }

  isAssumed(key: string): boolean {
    return this.podStates.get(key)?.assumed ?? false;
  }

  /** Counts the pod on the node before the API knows (scheduler decision). */
  assume(info: PodInfo, nodeName: string): void {
    this.place(info, nodeName, true);
  }

  /** A binding failed: the assumed pod leaves its node. */
  forget(key: string): void {
    const st = this.podStates.get(key);
    if (st?.assumed) this.unplace(key);
  }

  /** An assigned pod seen by the informer (added or updated). */
  observe(pod: Pod): void {
    const key = podKey(pod);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.unplace(key);
      return;
    }
    const st = this.podStates.get(key);
    const nodeName = pod.spec.nodeName ?? '';
    // A confirmation of what we assumed keeps the computed PodInfo unless the pod changed shape.
    if (st && st.nodeName === nodeName && st.info.pod.spec === pod.spec && !st.assumed) return;
    this.place(st && st.nodeName === nodeName && st.assumed ? st.info : new PodInfo(pod, this.priorityOf(pod)), nodeName, false);
  }

  removePod(key: string): void {
    this.unplace(key);
  }

  private place(info: PodInfo, nodeName: string, assumed: boolean): void {
    const key = info.key;
    const st = this.podStates.get(key);
    if (st) this.unplace(key);
    let ni = this.nodeInfos.get(nodeName);
    if (!ni) {
      ni = new NodeInfo({ metadata: { name: nodeName } });
      this.nodeInfos.set(nodeName, ni);
    }
    const hadAffinity = ni.podsWithAffinity.size > 0;
    ni.addPod(info);
    if (!hadAffinity && ni.podsWithAffinity.size > 0) this.affinityList = undefined;
    this.podStates.set(key, { info, nodeName, assumed });
  }

  private unplace(key: string): void {
    const st = this.podStates.get(key);
    if (!st) return;
    this.podStates.delete(key);
    const ni = this.nodeInfos.get(st.nodeName);
    if (!ni) return;
    const hadAffinity = ni.podsWithAffinity.size > 0;
    ni.removePod(key);
    if (hadAffinity && ni.podsWithAffinity.size === 0) this.affinityList = undefined;
    if (!this.withNode.has(st.nodeName) && ni.pods.size === 0) this.nodeInfos.delete(st.nodeName);
  }
}
