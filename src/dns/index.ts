/** Cluster DNS: the zone built from Services/EndpointSlices, the UDP+TCP server, forwarding, kube-dns. */
export { DnsServer } from './server.js';
export type { DnsServerOptions } from './server.js';
export { ClusterZone, canonical, defaultTtl } from './records.js';
export type { Lookup, Rcode, ZoneOptions } from './records.js';
export { forward, nameserversOf, readNameservers, parseUpstream } from './upstream.js';
export type { Upstream } from './upstream.js';
export { ensureKubeDns, kubeDnsService, kubeDnsSlice, clusterDnsIP, dnsNamespace, dnsServiceName } from './kube-dns.js';
export { startNodeServices } from './node-services.js';
export type { NodeServices, NodeServicesOptions } from './node-services.js';
