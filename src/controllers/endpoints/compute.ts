/**
 * What a Service's Endpoints and EndpointSlices should say, from its pods (upstream
 * endpoints_controller.go and endpointslice reconciler), as pure functions: each pod with
 * an IP contributes an address for the ports its containers resolve (named targetPorts are
 * looked up per pod, so pods may differ); ready pods serve, others are listed as not ready
 * (or ready when publishNotReadyAddresses), terminating pods only appear in slices.
 */
import type { Pod } from '../base/objects.js';
import { isPodReady } from '../base/pods.js';
import { stableJson } from '../base/hash.js';

export interface ServicePort { name?: string; port: number; targetPort?: number | string; protocol?: string }
export interface ServiceSpec { selector?: Record<string, string>; ports?: ServicePort[]; publishNotReadyAddresses?: boolean; clusterIP?: string }
export interface EndpointPort { name?: string; port: number; protocol: string }
export interface EndpointAddress { ip: string; nodeName?: string; hostname?: string; targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string } }
export interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }
export interface SliceEndpoint { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean }; nodeName?: string; hostname?: string; targetRef: EndpointAddress['targetRef'] }
export interface SliceShape { addressType: 'IPv4' | 'IPv6'; ports: EndpointPort[]; endpoints: SliceEndpoint[] }

interface ContainerPort { name?: string; containerPort: number; protocol?: string }

function resolvePorts(svc: ServiceSpec, pod: Pod): EndpointPort[] {
  const containers = (pod.spec?.['containers'] ?? []) as Array<{ ports?: ContainerPort[] }>;
  const out: EndpointPort[] = [];
  for (const sp of svc.ports ?? []) {
    const protocol = sp.protocol ?? 'TCP';
    let port: number | undefined;
    if (typeof sp.targetPort === 'string' && !/^\d+$/.test(sp.targetPort)) {
      for (const c of containers) {
        const found = c.ports?.find((p) => p.name === sp.targetPort && (p.protocol ?? 'TCP') === protocol);
        if (found) { port = found.containerPort; break; }
      }
    } else {
      port = sp.targetPort === undefined ? sp.port : Number(sp.targetPort);
    }
    if (port !== undefined) out.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol });
  }
  return out;
}

function podIP(pod: Pod): string | undefined {
  const ip = pod.status?.['podIP'];
  return typeof ip === 'string' && ip !== '' ? ip : undefined;
}

function addressOf(pod: Pod, serviceName: string): EndpointAddress {
  const hostname = pod.spec?.['hostname'];
  const subdomain = pod.spec?.['subdomain'];
  return {
    ip: podIP(pod) ?? '',
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(typeof hostname === 'string' && subdomain === serviceName ? { hostname } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  };
}

const usable = (p: Pod): boolean => podIP(p) !== undefined && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
const byIp = (a: { ip: string }, b: { ip: string }): number => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);

export function endpointSubsets(serviceName: string, svc: ServiceSpec, pods: readonly Pod[]): EndpointSubset[] {
  const groups = new Map<string, EndpointSubset>();
  for (const pod of pods) {
    if (!usable(pod) || pod.metadata.deletionTimestamp) continue;
    const ports = resolvePorts(svc, pod);
    if ((svc.ports ?? []).length > 0 && ports.length === 0) continue;
    const key = stableJson(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ...(ports.length > 0 ? { ports } : {}) }));
    const addr = addressOf(pod, serviceName);
    if (isPodReady(pod) || svc.publishNotReadyAddresses) (g.addresses ??= []).push(addr);
    else (g.notReadyAddresses ??= []).push(addr);
  }
  return [...groups.values()].map((g) => ({ ...(g.addresses ? { addresses: g.addresses.sort(byIp) } : {}), ...(g.notReadyAddresses ? { notReadyAddresses: g.notReadyAddresses.sort(byIp) } : {}), ...(g.ports ? { ports: g.ports } : {}) }));
}

export function sliceShapes(serviceName: string, svc: ServiceSpec, pods: readonly Pod[]): SliceShape[] {
  const groups = new Map<string, SliceShape>();
  for (const pod of pods) {
    if (!usable(pod)) continue;
    const ports = resolvePorts(svc, pod);
    const ip = podIP(pod) ?? '';
    const addressType = ip.includes(':') ? 'IPv6' : 'IPv4';
    const key = `${addressType}|${stableJson(ports)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addressType, ports, endpoints: [] }));
    const terminating = Boolean(pod.metadata.deletionTimestamp);
    const serving = isPodReady(pod) || Boolean(svc.publishNotReadyAddresses);
    const a = addressOf(pod, serviceName);
    g.endpoints.push({
      addresses: [ip], conditions: { ready: serving && !terminating, serving, terminating },
      ...(a.nodeName ? { nodeName: a.nodeName } : {}), ...(a.hostname ? { hostname: a.hostname } : {}), targetRef: a.targetRef,
    });
  }
  for (const g of groups.values()) g.endpoints.sort((x, y) => byIp({ ip: x.addresses[0] ?? '' }, { ip: y.addresses[0] ?? '' }));
  return [...groups.values()];
}
