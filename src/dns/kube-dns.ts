/**
 * The kube-dns Service that gives cluster DNS its stable address: ClusterIP 10.43.0.10
 * (the service CIDR's tenth address, as k3s) in kube-system, with no selector and one
 * EndpointSlice pointing at the DNS servers' addresses on the nodes. ensureKubeDns writes
 * both through the API, leaving them alone when they already say the same.
 */
import type { RestClient } from '../client/index.js';
import { isNotFound } from '../client/index.js';
import { ResourceClient } from '../client/typed/index.js';
import { endpointSlicesGvr, servicesGvr, serviceNameLabel, type EndpointSliceObject, type ServiceObject } from '../proxy/index.js';

export const clusterDnsIP = '10.43.0.10';
export const dnsNamespace = 'kube-system';
export const dnsServiceName = 'kube-dns';
const managedBy = 'skiff-dns';

export function kubeDnsService(clusterIP = clusterDnsIP): ServiceObject {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: dnsServiceName, namespace: dnsNamespace, labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' } },
    spec: {
      type: 'ClusterIP', clusterIP, clusterIPs: [clusterIP],
      ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }],
    },
  };
}

export function kubeDnsSlice(servers: Array<{ ip: string; nodeName?: string }>, port = 53): EndpointSliceObject {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${dnsServiceName}-skiff`, namespace: dnsNamespace, labels: { [serviceNameLabel]: dnsServiceName, 'endpointslice.kubernetes.io/managed-by': managedBy } },
    addressType: 'IPv4',
    ports: [{ name: 'dns', port, protocol: 'UDP' }, { name: 'dns-tcp', port, protocol: 'TCP' }],
    endpoints: servers.map((s) => ({ addresses: [s.ip], conditions: { ready: true }, ...(s.nodeName ? { nodeName: s.nodeName } : {}) })),
  };
}

/**
 * Creates the kube-dns Service (if absent) and puts these servers in its EndpointSlice,
 * replacing earlier entries of the same nodes and keeping other nodes' servers.
 */
export async function ensureKubeDns(rest: RestClient, servers: Array<{ ip: string; nodeName?: string }>, opts: { clusterIP?: string; port?: number } = {}): Promise<void> {
  const clusterIP = opts.clusterIP ?? clusterDnsIP;
  const services = new ResourceClient<ServiceObject>(rest, servicesGvr);
  const slices = new ResourceClient<EndpointSliceObject>(rest, endpointSlicesGvr);
  try {
    await services.get(dnsNamespace, dnsServiceName);
  } catch (err: unknown) {
    if (!isNotFound(err)) throw err;
    await services.create(dnsNamespace, kubeDnsService(clusterIP));
  }
  const name = kubeDnsSlice([]).metadata?.name ?? '';
  try {
    const have = await slices.get(dnsNamespace, name);
    const replaced = new Set(servers.map((s) => s.nodeName ?? s.ip));
    const others = (have.endpoints ?? []).filter((e) => !replaced.has(e.nodeName ?? e.addresses?.[0] ?? ''))
      .map((e) => ({ ip: e.addresses?.[0] ?? '', ...(e.nodeName ? { nodeName: e.nodeName } : {}) }));
    const want = kubeDnsSlice([...others, ...servers], opts.port);
    if (JSON.stringify(have.endpoints ?? []) === JSON.stringify(want.endpoints) && JSON.stringify(have.ports ?? []) === JSON.stringify(want.ports)) return;
    await slices.update({ ...have, endpoints: want.endpoints ?? [], ports: want.ports ?? [] });
  } catch (err: unknown) {
    if (!isNotFound(err)) throw err;
    await slices.create(dnsNamespace, kubeDnsSlice(servers, opts.port));
  }
}
