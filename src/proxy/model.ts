/**
 * The proxy's view of the cluster: one entry per Service port with the endpoints that
 * serve it, derived from Services and EndpointSlices (pure functions, no I/O). Named
 * target ports need no lookup here: EndpointSlice ports already carry the number each
 * pod resolved, under the Service port's name.
 */
import type { KubeObject } from '../api/types.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServiceEndpoint {
  ip: string;
  port: number;
  ready: boolean;
  nodeName?: string;
  hostname?: string;
}

export interface ServicePortEntry {
  namespace: string;
  service: string;
  /** The Service port's name ('' when it has one unnamed port). */
  portName: string;
  protocol: Protocol;
  port: number;
  /** IPv4 ClusterIPs; empty for headless services. */
  clusterIPs: string[];
  nodePort?: number;
  /**
   * LoadBalancer ingress IPs (status.loadBalancer.ingress; the servicelb controller puts the
   * nodes' InternalIPs there): the port answers on them as an external address.
   */
  loadBalancerIPs?: string[];
  /** ClientIP affinity timeout in seconds, when sessionAffinity is ClientIP. */
  affinitySeconds?: number;
  internalLocal: boolean;
  externalLocal: boolean;
  endpoints: ServiceEndpoint[];
}

interface ServicePortSpec { name?: string; port: number; protocol?: string; nodePort?: number; targetPort?: number | string }
interface ServiceSpecView {
  type?: string;
  selector?: Record<string, string>;
  externalName?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePortSpec[];
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  internalTrafficPolicy?: string;
  externalTrafficPolicy?: string;
}
interface ServiceStatusView { loadBalancer?: { ingress?: Array<{ ip?: string }> } }
export interface ServiceObject extends KubeObject { spec?: ServiceSpecView; status?: ServiceStatusView }

interface SlicePort { name?: string; port?: number; protocol?: string }
interface SliceEndpointView { addresses?: string[]; conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean }; nodeName?: string; hostname?: string }
export interface EndpointSliceObject extends KubeObject { addressType?: string; ports?: SlicePort[] | null; endpoints?: SliceEndpointView[] | null }

export const serviceNameLabel = 'kubernetes.io/service-name';
const defaultAffinitySeconds = 10800;

function ipv4(ip: string | undefined): ip is string {
  return typeof ip === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(ip);
}

/** The slices that belong to a service, keyed `namespace/name`. */
export function groupSlices(slices: Iterable<EndpointSliceObject>): Map<string, EndpointSliceObject[]> {
  const out = new Map<string, EndpointSliceObject[]>();
  for (const s of slices) {
    const svc = s.metadata?.labels?.[serviceNameLabel];
    if (!svc || !s.metadata?.namespace) continue;
    const key = `${s.metadata.namespace}/${svc}`;
    const list = out.get(key);
    if (list) list.push(s);
    else out.set(key, [s]);
  }
  return out;
}

/** Every endpoint of the slices for one Service port, deduplicated by ip:port. */
export function endpointsFor(slices: readonly EndpointSliceObject[], portName: string, protocol: Protocol): ServiceEndpoint[] {
  const seen = new Map<string, ServiceEndpoint>();
  for (const slice of slices) {
    if (slice.addressType !== undefined && slice.addressType !== 'IPv4') continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!port || typeof port.port !== 'number') continue;
    for (const ep of slice.endpoints ?? []) {
      // A nil ready condition means ready (EndpointSlice API); terminating endpoints never serve new flows here.
      const ready = (ep.conditions?.ready ?? true) && ep.conditions?.terminating !== true;
      for (const ip of ep.addresses ?? []) {
        if (!ipv4(ip)) continue;
        const key = `${ip}:${port.port}`;
        const prior = seen.get(key);
        if (prior && prior.ready) continue;
        seen.set(key, {
          ip, port: port.port, ready,
          ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
          ...(ep.hostname ? { hostname: ep.hostname } : {}),
        });
      }
    }
  }
  return [...seen.values()].sort((a, b) => compareIp(a.ip, b.ip) || a.port - b.port);
}

export function compareIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The proxy's table of service ports, sorted for stable output. */
export function servicePortEntries(services: Iterable<ServiceObject>, slices: Iterable<EndpointSliceObject>): ServicePortEntry[] {
  const byService = groupSlices(slices);
  const out: ServicePortEntry[] = [];
  for (const svc of services) {
    const spec = svc.spec ?? {};
    const namespace = svc.metadata?.namespace ?? 'default';
    const service = svc.metadata?.name ?? '';
    if (spec.type === 'ExternalName') continue;
    const clusterIPs = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter(ipv4);
    const affinity = spec.sessionAffinity === 'ClientIP'
      ? { affinitySeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinitySeconds }
      : {};
    const nodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
    const slicesOfService = byService.get(`${namespace}/${service}`) ?? [];
    const loadBalancerIPs = spec.type === 'LoadBalancer'
      ? [...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter(ipv4))]
      : [];
    for (const p of spec.ports ?? []) {
      const protocol = (p.protocol ?? 'TCP') as Protocol;
      const portName = p.name ?? '';
      out.push({
        namespace, service, portName, protocol, port: p.port, clusterIPs,
        ...(nodePorts && typeof p.nodePort === 'number' ? { nodePort: p.nodePort } : {}),
        ...(loadBalancerIPs.length > 0 ? { loadBalancerIPs } : {}),
        ...affinity,
        internalLocal: spec.internalTrafficPolicy === 'Local',
        externalLocal: spec.externalTrafficPolicy === 'Local',
        endpoints: endpointsFor(slicesOfService, portName, protocol),
      });
    }
  }
  return out.sort((a, b) => `${a.namespace}/${a.service}/${a.portName}/${a.protocol}`.localeCompare(`${b.namespace}/${b.service}/${b.portName}/${b.protocol}`));
}
