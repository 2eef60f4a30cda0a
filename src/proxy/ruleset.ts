/**
 * The nftables ruleset for skiff's own table, as one text for `nft -f` (one transaction),
 * in the shape of kube-proxy's nftables mode:
 *   nat hooks -> `services` -> vmap on daddr.proto.port -> service chain -> numgen random
 *   (or an affinity set hit) -> endpoint chain -> dnat; NodePorts through a vmap on
 *   proto.port for local destination addresses; services without usable endpoints are
 *   rejected in filter hooks (tcp reset / icmp port-unreachable); masquerade is marked
 *   only for hairpin (an endpoint reaching itself), sources outside the cluster CIDR, and
 *   NodePort traffic with externalTrafficPolicy Cluster.
 * The first render replaces the table; later renders flush rules and maps but keep the
 * affinity sets (so a client keeps its endpoint), deleting only what went away.
 */
import { createHash } from 'node:crypto';
import type { ServiceEndpoint, ServicePortEntry } from './model.js';

export const tableName = 'skiff';
const masqMark = '0x4000';

export interface RulesetOptions {
  /** This node's name, for the Local traffic policies. */
  nodeName: string;
  /** Pod network; traffic to a ClusterIP from outside it is masqueraded. */
  clusterCIDR?: string;
  /** Addresses NodePorts answer on; default every local address but loopback. */
  nodePortAddresses?: string[];
}

/** Chains and sets a render declared, so the next render can delete the ones gone. */
export interface RenderedNames { chains: Set<string>; sets: Set<string> }

export interface Rendered { text: string; names: RenderedNames; rules: number }

const hash8 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 8).toUpperCase();
const proto = (e: ServicePortEntry): string => e.protocol.toLowerCase();
const portId = (e: ServicePortEntry): string => `${e.namespace}/${e.service}/${proto(e)}/${e.portName === '' ? `p${e.port}` : e.portName}`;
// nft 1.0 takes these names bare (letters, digits, - / . _), not quoted.
const q = (name: string): string => name;

/** Deterministic names that stay short enough for the kernel (256) and readable. */
export function chainNames(e: ServicePortEntry): { service: string; external: string; local: string } {
  const id = portId(e);
  return { service: `service-${hash8(id)}-${id}`, external: `external-${hash8(id)}-${id}`, local: `local-${hash8(id)}-${id}` };
}
export function endpointChain(e: ServicePortEntry, ep: ServiceEndpoint): string {
  const id = `${portId(e)}__${ep.ip}/${ep.port}`;
  return `endpoint-${hash8(id)}-${id}`;
}
export function affinitySet(e: ServicePortEntry, ep: ServiceEndpoint): string {
  return `affinity-${hash8(`${endpointChain(e, ep)}|${e.affinitySeconds ?? 0}`)}`;
}

class Builder {
  readonly lines: string[] = [];
  readonly names: RenderedNames = { chains: new Set(), sets: new Set() };
  rules = 0;
  chain(name: string, body: string[], hook?: string): void {
    this.names.chains.add(name);
    this.lines.push(`\tchain ${q(name)} {`);
    if (hook) this.lines.push(`\t\t${hook}`);
    for (const r of body) this.lines.push(`\t\t${r}`);
    this.rules += body.length;
    this.lines.push('\t}');
  }
  map(name: string, type: string, elements: string[]): void {
    this.lines.push(`\tmap ${name} {`, `\t\ttype ${type}`);
    if (elements.length > 0) this.lines.push(`\t\telements = {`, ...elements.map((el, i) => `\t\t\t${el}${i < elements.length - 1 ? ',' : ''}`), '\t\t}');
    this.lines.push('\t}');
  }
  set(name: string, lines: string[]): void {
    this.names.sets.add(name);
    this.lines.push(`\tset ${name} {`, ...lines.map((l) => `\t\t${l}`), '\t}');
  }
}

const maps = {
  serviceIps: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
} as const;

function lbRules(e: ServicePortEntry, eps: ServiceEndpoint[]): string[] {
  const rules: string[] = [];
  if (e.affinitySeconds !== undefined) {
    for (const ep of eps) rules.push(`ip saddr @${affinitySet(e, ep)} goto ${q(endpointChain(e, ep))}`);
  }
  if (eps.length === 1 && eps[0]) rules.push(`goto ${q(endpointChain(e, eps[0]))}`);
  else rules.push(`numgen random mod ${eps.length} vmap { ${eps.map((ep, i) => `${i} : goto ${q(endpointChain(e, ep))}`).join(', ')} }`);
  return rules;
}

/** Renders the whole table. `previous` (the names of the last render) turns it into an update. */
export function renderRuleset(entries: readonly ServicePortEntry[], opts: RulesetOptions, previous?: RenderedNames): Rendered {
  const b = new Builder();
  const serviceIps: string[] = [];
  const nodePorts: string[] = [];
  const noEndpointServices: string[] = [];
  const noEndpointNodePorts: string[] = [];
  const isLocal = (ep: ServiceEndpoint): boolean => ep.nodeName === opts.nodeName;

  for (const e of entries) {
    const ready = e.endpoints.filter((ep) => ep.ready);
    const names = chainNames(e);
    const key = (ip: string): string => `${ip} . ${proto(e)} . ${e.port}`;
    if (ready.length === 0) {
      // No endpoint anywhere: refuse at once rather than let the packet wander.
      for (const ip of e.clusterIPs) noEndpointServices.push(`${key(ip)} : goto reject-chain`);
      if (e.nodePort !== undefined) noEndpointNodePorts.push(`${proto(e)} . ${e.nodePort} : goto reject-chain`);
      continue;
    }
    for (const ep of ready) {
      const body = [`ip saddr ${ep.ip} jump mark-for-masquerade`];
      if (e.affinitySeconds !== undefined) {
        b.set(affinitySet(e, ep), ['type ipv4_addr', 'flags dynamic,timeout', `timeout ${e.affinitySeconds}s`]);
        body.push(`update @${affinitySet(e, ep)} { ip saddr }`);
      }
      body.push(`meta l4proto ${proto(e)} dnat to ${ep.ip}:${ep.port}`);
      b.chain(endpointChain(e, ep), body);
    }
    const internal = e.internalLocal ? ready.filter(isLocal) : ready;
    if (e.clusterIPs.length > 0) {
      if (internal.length === 0) {
        // internalTrafficPolicy Local with no endpoint on this node: dropped, as kube-proxy does.
        for (const ip of e.clusterIPs) serviceIps.push(`${key(ip)} : drop`);
      } else {
        const masq = opts.clusterCIDR ? [`ip saddr != ${opts.clusterCIDR} jump mark-for-masquerade`] : [];
        b.chain(names.service, [...masq, ...lbRules(e, internal)]);
        for (const ip of e.clusterIPs) serviceIps.push(`${key(ip)} : goto ${q(names.service)}`);
      }
    }
    if (e.nodePort !== undefined) {
      let body: string[];
      if (e.externalLocal) {
        // Source kept (no masquerade); only this node's endpoints, or nothing.
        const local = ready.filter(isLocal);
        body = local.length > 0 ? lbRules(e, local) : ['drop'];
      } else {
        body = ['jump mark-for-masquerade', ...lbRules(e, ready)];
      }
      b.chain(names.external, body);
      nodePorts.push(`${proto(e)} . ${e.nodePort} : goto ${q(names.external)}`);
    }
  }

  const localDst = opts.nodePortAddresses && opts.nodePortAddresses.length > 0
    ? `ip daddr { ${opts.nodePortAddresses.join(', ')} }`
    : 'fib daddr type local ip daddr != 127.0.0.0/8';
  const header: string[] = [];
  b.chain('mark-for-masquerade', [`meta mark set meta mark | ${masqMark}`]);
  b.chain('masquerading', [`meta mark & ${masqMark} == 0 return`, `meta mark set meta mark ^ ${masqMark}`, 'masquerade fully-random']);
  b.chain('services', [`ip daddr . meta l4proto . th dport vmap @${maps.serviceIps}`, `${localDst} meta l4proto . th dport vmap @${maps.serviceNodePorts}`]);
  b.chain('service-endpoints-check', [`ip daddr . meta l4proto . th dport vmap @${maps.noEndpointServices}`]);
  b.chain('nodeport-endpoints-check', [`${localDst} meta l4proto . th dport vmap @${maps.noEndpointNodePorts}`]);
  b.chain('reject-chain', ['meta l4proto tcp reject with tcp reset', 'reject']);
  b.chain('nat-prerouting', ['jump services'], 'type nat hook prerouting priority dstnat; policy accept;');
  b.chain('nat-output', ['jump services'], 'type nat hook output priority -100; policy accept;');
  b.chain('nat-postrouting', ['jump masquerading'], 'type nat hook postrouting priority srcnat; policy accept;');
  b.chain('filter-input', ['ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check'], 'type filter hook input priority -110; policy accept;');
  b.chain('filter-forward', ['ct state new jump service-endpoints-check'], 'type filter hook forward priority -110; policy accept;');
  b.chain('filter-output', ['ct state new jump service-endpoints-check', 'ct state new jump nodeport-endpoints-check'], 'type filter hook output priority -110; policy accept;');
  b.map(maps.serviceIps, 'ipv4_addr . inet_proto . inet_service : verdict', serviceIps);
  b.map(maps.serviceNodePorts, 'inet_proto . inet_service : verdict', nodePorts);
  b.map(maps.noEndpointServices, 'ipv4_addr . inet_proto . inet_service : verdict', noEndpointServices);
  b.map(maps.noEndpointNodePorts, 'inet_proto . inet_service : verdict', noEndpointNodePorts);

  if (previous) {
    header.push(`add table ip ${tableName}`, `flush table ip ${tableName}`);
    for (const m of Object.values(maps)) header.push(`flush map ip ${tableName} ${m}`);
    for (const c of previous.chains) if (!b.names.chains.has(c)) header.push(`delete chain ip ${tableName} ${q(c)}`);
    for (const s of previous.sets) if (!b.names.sets.has(s)) header.push(`delete set ip ${tableName} ${s}`);
  } else {
    header.push(`add table ip ${tableName}`, `delete table ip ${tableName}`);
  }
  const text = [...header, `table ip ${tableName} {`, `\tcomment "skiff service proxy: rewritten as a whole on every change"`, ...b.lines, '}', ''].join('\n');
  return { text, names: b.names, rules: b.rules };
}

/** The text that removes skiff's table (and nothing else). */
export function deleteTableText(): string {
  return `add table ip ${tableName}\ndelete table ip ${tableName}\n`;
}
