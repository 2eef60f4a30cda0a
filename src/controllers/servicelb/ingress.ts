/**
 * What the service load balancer decides, as pure functions: which Services it serves and
 * which addresses they get. Like k3s's servicelb (klipper-lb), every Ready node that can
 * carry the traffic answers on the Service's ports at its InternalIP, so the ingress list
 * is those addresses (sorted, so a re-sync writes nothing when nothing changed).
 */
import type { KubeObject } from '../../api/types.js';

export interface LoadBalancerIngress { ip: string; ipMode?: string }

export interface ServiceView extends KubeObject {
  spec?: { type?: string; loadBalancerClass?: string; externalTrafficPolicy?: string };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}

interface NodeView extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: Array<{ key?: string; effect?: string }> };
  status?: { addresses?: Array<{ type?: string; address?: string }>; conditions?: Array<{ type?: string; status?: string }> };
}

/** Nodes carrying this label (any value) are left out, as upstream's service controller does. */
export const excludeNodeLabel = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** Services of type LoadBalancer that ask for no other implementation (spec.loadBalancerClass unset). */
export function wantsLoadBalancer(svc: ServiceView): boolean {
  return svc.spec?.type === 'LoadBalancer' && (svc.spec.loadBalancerClass === undefined || svc.spec.loadBalancerClass === '');
}

function isReady(node: NodeView): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The InternalIPs (IPv4) of Ready nodes not excluded from load balancers, sorted
 * numerically; with `onlyNodes`, just those nodes (externalTrafficPolicy Local: a node
 * without a ready endpoint drops the traffic, so it must not be advertised).
 */
export function ingressAddresses(nodes: readonly KubeObject[], onlyNodes?: ReadonlySet<string>): string[] {
  const ips = new Set<string>();
  for (const n of nodes as readonly NodeView[]) {
    if (!isReady(n) || n.metadata?.deletionTimestamp) continue;
    if (onlyNodes && !onlyNodes.has(n.metadata?.name ?? '')) continue;
    if (n.metadata?.labels?.[excludeNodeLabel] !== undefined) continue;
    for (const a of n.status?.addresses ?? []) {
      if (a.type === 'InternalIP' && typeof a.address === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(a.address)) ips.add(a.address);
    }
  }
  return [...ips].sort(compareIPv4);
}

function compareIPv4(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The ingress list a Service should have: the node addresses for Services we serve; for any
 * other Service, what it has (another controller's, or nothing) — except that a Service that
 * stopped being a LoadBalancer loses the addresses we gave it.
 */
export function desiredIngress(svc: ServiceView, nodeIPs: readonly string[]): LoadBalancerIngress[] | undefined {
  if (wantsLoadBalancer(svc)) return nodeIPs.map((ip) => ({ ip, ipMode: 'VIP' }));
  if (svc.spec?.type !== 'LoadBalancer' && (svc.status?.loadBalancer?.ingress ?? []).length > 0) return [];
  return undefined;
}

/** True when the status already lists exactly these addresses. */
export function sameIngress(current: readonly LoadBalancerIngress[] | undefined, wanted: readonly LoadBalancerIngress[]): boolean {
  const have = current ?? [];
  return have.length === wanted.length && have.every((c, i) => c.ip === wanted[i]?.ip && (c.ipMode ?? 'VIP') === (wanted[i]?.ipMode ?? 'VIP'));
}

interface SliceView extends KubeObject { endpoints?: Array<{ nodeName?: string; conditions?: { ready?: boolean; terminating?: boolean } }> | null }

/** Nodes that host a ready endpoint in these EndpointSlices. */
export function nodesWithReadyEndpoints(slices: readonly KubeObject[]): Set<string> {
  const nodes = new Set<string>();
  for (const s of slices as readonly SliceView[]) {
    for (const ep of s.endpoints ?? []) {
      if ((ep.conditions?.ready ?? true) && ep.conditions?.terminating !== true && ep.nodeName) nodes.add(ep.nodeName);
    }
  }
  return nodes;
}
