/** Builders for unit tests: pods, nodes and a snapshot over them (pure data, no API). */
import type { Container, Node, Pod, PodSpec } from '../framework/api.js';
import { NodeInfo, PodInfo } from '../framework/node-info.js';
import type { Snapshot } from '../framework/types.js';

export function pod(name: string, spec: Partial<PodSpec> & { requests?: Record<string, string>; labels?: Record<string, string>; namespace?: string } = {}): Pod {
  const { requests, labels, namespace, ...rest } = spec;
  const containers: Container[] = rest.containers ?? [{ name: 'c', image: 'busybox', ...(requests ? { resources: { requests } } : {}) }];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: namespace ?? 'default', uid: `uid-${name}`, labels: labels ?? {} }, spec: { ...rest, containers } };
}

export function node(name: string, o: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: NonNullable<Node['spec']>['taints']; unschedulable?: boolean; extra?: Record<string, string>; images?: Array<{ names: string[]; sizeBytes: number }> } = {}): Node {
  const alloc = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...o.extra };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: alloc, capacity: alloc, ...(o.images ? { images: o.images } : {}) },
  };
}

/** NodeInfos with pods placed: `placed` maps node name -> pods on it. */
export function snapshot(nodes: Node[], placed: Record<string, Pod[]> = {}, namespaces: Record<string, Record<string, string>> = {}): Snapshot & { infos: Map<string, NodeInfo> } {
  const infos = new Map<string, NodeInfo>();
  for (const n of nodes) {
    const ni = new NodeInfo(n);
    for (const p of placed[n.metadata?.name ?? ''] ?? []) ni.addPod(new PodInfo({ ...p, spec: { ...p.spec, nodeName: ni.name } }));
    infos.set(ni.name, ni);
  }
  const list = [...infos.values()];
  return {
    infos, nodes: list,
    get: (name) => infos.get(name),
    havePodsWithAffinity: () => list.filter((n) => n.podsWithAffinity.size > 0),
    namespaceLabels: (ns) => namespaces[ns],
  };
}
