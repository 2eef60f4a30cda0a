/**
 * The nftables ruleset for skiff's own table, as one text for `nft -f` (one transaction),
 * in the shape of kube-proxy's nftables mode:
 *   nat hooks -> `services` -> vmap on daddr.proto.port -> service chain -> numgen random
 *   (or an affinity set hit) -> endpoint chain -> dnat; NodePorts through a vmap on
 *   proto.port for local destination addresses; services without usable endpoints are
 *   rejected in filter hooks (tcp reset / icmp port-unreachable); masquerade is marked
 *   only for hairpin (an endpoint reaching itself), sources outside the cluster CIDR, and
 *   NodePort traffic with externalTrafficPolicy Cluster. LoadBalancer ingress IPs are
 *   entries of the same daddr.proto.port map leading to the external chain, as kube-proxy
 *   programs them.
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
  /**
   * This node's address on the pod network (pod-gateway.ts): masqueraded traffic to a pod
   * (the cluster CIDR) is SNAT'ed to it, since pods route only the cluster CIDR back.
   */
  podGatewayAddress?: string;
}

/** What one Service port contributes: its chains and sets (in order) and its map elements. */
export interface Fragment {
  fingerprint: string;
  items: Array<{ kind: 'chain'; name: string; rules: string[] } | { kind: 'set'; name: string; lines: string[] }>;
  elements: Array<{ map: MapName; element: string }>;
}

/** What the table holds after a render, so the next render can send only the difference. */
export interface RenderState { fragments: Map<string, Fragment> }

export interface Rendered { text: string; state: RenderState; rules: number; changedServicePorts: number }

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

const maps = {
  serviceIps: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
} as const;
type MapName = typeof maps[keyof typeof maps];
const mapTypes: Record<MapName, string> = {
  'service-ips': 'ipv4_addr . inet_proto . inet_service : verdict',
  'service-nodeports': 'inet_proto . inet_service : verdict',
  'no-endpoint-services': 'ipv4_addr . inet_proto . inet_service : verdict',
  'no-endpoint-nodeports': 'inet_proto . inet_service : verdict',
};

function lbRules(e: ServicePortEntry, eps: ServiceEndpoint[]): string[] {
  const rules: string[] = [];
  if (e.affinitySeconds !== undefined) {
    for (const ep of eps) rules.push(`ip saddr @${affinitySet(e, ep)} goto ${q(endpointChain(e, ep))}`);
  }
  if (eps.length === 1 && eps[0]) rules.push(`goto ${q(endpointChain(e, eps[0]))}`);
  else rules.push(`numgen random mod ${eps.length} vmap { ${eps.map((ep, i) => `${i} : goto ${q(endpointChain(e, ep))}`).join(', ')} }`);
  return rules;
}

/** One Service port's chains, sets and map elements on this node. */
export function fragmentOf(e: ServicePortEntry, opts: RulesetOptions): Fragment {
  const f: Fragment = { fingerprint: JSON.stringify([e, opts.nodeName, opts.clusterCIDR ?? '']), items: [], elements: [] };
  const ready = e.endpoints.filter((ep) => ep.ready);
  const names = chainNames(e);
  const key = (ip: string): string => `${ip} . ${proto(e)} . ${e.port}`;
  const isLocal = (ep: ServiceEndpoint): boolean => ep.nodeName === opts.nodeName;
  const lbIPs = e.loadBalancerIPs ?? [];
  if (ready.length === 0) {
    // No endpoint anywhere: refuse at once rather than let the packet wander.
    for (const ip of [...e.clusterIPs, ...lbIPs]) f.elements.push({ map: maps.noEndpointServices, element: `${key(ip)} : goto reject-chain` });
    if (e.nodePort !== undefined) f.elements.push({ map: maps.noEndpointNodePorts, element: `${proto(e)} . ${e.nodePort} : goto reject-chain` });
    return f;
  }
  for (const ep of ready) {
    const rules = [`ip saddr ${ep.ip} jump mark-for-masquerade`];
    if (e.affinitySeconds !== undefined) {
      f.items.push({ kind: 'set', name: affinitySet(e, ep), lines: ['type ipv4_addr', 'flags dynamic,timeout', `timeout ${e.affinitySeconds}s`] });
      rules.push(`update @${affinitySet(e, ep)} { ip saddr }`);
    }
    rules.push(`meta l4proto ${proto(e)} dnat to ${ep.ip}:${ep.port}`);
    f.items.push({ kind: 'chain', name: endpointChain(e, ep), rules });
  }
  const internal = e.internalLocal ? ready.filter(isLocal) : ready;
  if (e.clusterIPs.length > 0) {
    if (internal.length === 0) {
      // internalTrafficPolicy Local with no endpoint on this node: dropped, as kube-proxy does.
      for (const ip of e.clusterIPs) f.elements.push({ map: maps.serviceIps, element: `${key(ip)} : drop` });
    } else {
      const masq = opts.clusterCIDR ? [`ip saddr != ${opts.clusterCIDR} jump mark-for-masquerade`] : [];
      f.items.push({ kind: 'chain', name: names.service, rules: [...masq, ...lbRules(e, internal)] });
      for (const ip of e.clusterIPs) f.elements.push({ map: maps.serviceIps, element: `${key(ip)} : goto ${q(names.service)}` });
    }
  }
  if (e.nodePort !== undefined || lbIPs.length > 0) {
    let rules: string[];
    if (e.externalLocal) {
      // Source kept (no masquerade); only this node's endpoints, or nothing.
      const local = ready.filter(isLocal);
      rules = local.length > 0 ? lbRules(e, local) : ['drop'];
    } else {
      rules = ['jump mark-for-masquerade', ...lbRules(e, ready)];
    }
    f.items.push({ kind: 'chain', name: names.external, rules });
    if (e.nodePort !== undefined) f.elements.push({ map: maps.serviceNodePorts, element: `${proto(e)} . ${e.nodePort} : goto ${q(names.external)}` });
    // LoadBalancer addresses (node IPs, k3s servicelb style) take the same external path as a NodePort.
    for (const ip of lbIPs) f.elements.push({ map: maps.serviceIps, element: `${key(ip)} : goto ${q(names.external)}` });
  }
  return f;
}

function itemLines(items: Fragment['items']): string[] {
  const out: string[] = [];
  for (const it of items) {
    if (it.kind === 'set') out.push(`\tset ${it.name} {`, ...it.lines.map((l) => `\t\t${l}`), '\t}');
    else out.push(`\tchain ${q(it.name)} {`, ...it.rules.map((r) => `\t\t${r}`), '\t}');
  }
  return out;
}

function baseChains(opts: RulesetOptions): string[] {
  const localDst = opts.nodePortAddresses && opts.nodePortAddresses.length > 0
    ? `ip daddr { ${opts.nodePortAddresses.join(', ')} }`
    : 'fib daddr type local ip daddr != 127.0.0.0/8';
  const chain = (name: string, body: string[], hook?: string): string[] => [`\tchain ${name} {`, ...(hook ? [`\t\t${hook}`] : []), ...body.map((r) => `\t\t${r}`), '\t}'];
  return [
    ...chain('mark-for-masquerade', [`meta mark set meta mark | ${masqMark}`]),
    ...chain('masquerading', [
      `meta mark & ${masqMark} == 0 return`, `meta mark set meta mark ^ ${masqMark}`,
      ...(opts.podGatewayAddress && opts.clusterCIDR ? [`ip daddr ${opts.clusterCIDR} snat to ${opts.podGatewayAddress} fully-random`] : []),
      'masquerade fully-random',
    ]),
    ...chain('services', [`ip daddr . meta l4proto . th dport vmap @${maps.serviceIps}`, `${localDst} meta l4proto . th dport vmap @${maps.serviceNodePorts}`]),
    ...chain('service-endpoints-check', [`ip daddr . meta l4proto . th dport vmap @${maps.noEndpointServices}`]),
    ...chain('nodeport-endpoints-check', [`${localDst} meta l4proto . th dport vmap @${maps.noEndpointNodePorts}`]),
    ...chain('reject-chain', ['meta l4proto tcp reject with tcp reset', 'reject']),
    ...chain('nat-prerouting', ['jump services'], 'type nat hook prerouting priority dstnat; policy accept;'),
    ...chain('nat-output', ['jump services'], 'type nat hook output priority -100; policy accept;'),
    ...chain('nat-postrouting', ['jump masquerading'], 'type nat hook postrouting priority srcnat; policy accept;'),
    ...chain('filter-input', ['ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check'], 'type filter hook input priority -110; policy accept;'),
    ...chain('filter-forward', ['ct state new jump service-endpoints-check'], 'type filter hook forward priority -110; policy accept;'),
    ...chain('filter-output', ['ct state new jump service-endpoints-check', 'ct state new jump nodeport-endpoints-check'], 'type filter hook output priority -110; policy accept;'),
  ];
}

const countRules = (f: Fragment): number => f.items.reduce((n, it) => n + (it.kind === 'chain' ? it.rules.length : 0), 0);

/**
 * Renders the table. Without `previous` the whole table is replaced; with it, only the
 * Service ports whose entries changed are sent (their chains flushed and refilled, stale
 * chains, sets and map elements deleted), as kube-proxy's partial syncs do.
 */
export function renderRuleset(entries: readonly ServicePortEntry[], opts: RulesetOptions, previous?: RenderState): Rendered {
  const fragments = new Map<string, Fragment>();
  for (const e of entries) fragments.set(portId(e), fragmentOf(e, opts));
  const state: RenderState = { fragments };
  const rules = [...fragments.values()].reduce((n, f) => n + countRules(f), 0);
  if (!previous) {
    const elements = new Map<MapName, string[]>(Object.values(maps).map((m) => [m, []]));
    for (const f of fragments.values()) for (const el of f.elements) elements.get(el.map)?.push(el.element);
    const mapLines = Object.values(maps).flatMap((m) => {
      const els = elements.get(m) ?? [];
      return [`\tmap ${m} {`, `\t\ttype ${mapTypes[m]}`, ...(els.length > 0 ? ['\t\telements = {', ...els.map((el, i) => `\t\t\t${el}${i < els.length - 1 ? ',' : ''}`), '\t\t}'] : []), '\t}'];
    });
    const text = [
      `add table ip ${tableName}`, `delete table ip ${tableName}`, `table ip ${tableName} {`,
      '\tcomment "skiff service proxy: rewritten as a whole on every change"',
      ...[...fragments.values()].flatMap((f) => itemLines(f.items)), ...baseChains(opts), ...mapLines, '}', '',
    ].join('\n');
    return { text, state, rules, changedServicePorts: fragments.size };
  }
  const removeElements: string[] = [];
  const flush: string[] = [];
  const deleteChains: string[] = [];
  const deleteSets: string[] = [];
  const addItems: Fragment['items'] = [];
  const addElements: string[] = [];
  let changed = 0;
  const keys = new Set([...previous.fragments.keys(), ...fragments.keys()]);
  for (const k of keys) {
    const before = previous.fragments.get(k);
    const after = fragments.get(k);
    if (before && after && before.fingerprint === after.fingerprint) continue;
    changed++;
    const newEls = new Set((after?.elements ?? []).map((el) => `${el.map}|${el.element}`));
    const oldEls = new Set((before?.elements ?? []).map((el) => `${el.map}|${el.element}`));
    for (const el of before?.elements ?? []) if (!newEls.has(`${el.map}|${el.element}`)) removeElements.push(`delete element ip ${tableName} ${el.map} { ${el.element} }`);
    for (const el of after?.elements ?? []) if (!oldEls.has(`${el.map}|${el.element}`)) addElements.push(`add element ip ${tableName} ${el.map} { ${el.element} }`);
    const newNames = new Set((after?.items ?? []).map((it) => `${it.kind}|${it.name}`));
    for (const it of before?.items ?? []) {
      if (it.kind === 'chain') flush.push(`flush chain ip ${tableName} ${q(it.name)}`);
      if (!newNames.has(`${it.kind}|${it.name}`)) (it.kind === 'chain' ? deleteChains : deleteSets).push(`delete ${it.kind} ip ${tableName} ${q(it.name)}`);
    }
    addItems.push(...(after?.items ?? []));
  }
  // Order matters within the transaction: drop references (elements, rules) before what they name.
  const text = [
    `add table ip ${tableName}`, ...removeElements, ...flush, ...deleteChains, ...deleteSets,
    ...(addItems.length > 0 ? [`table ip ${tableName} {`, ...itemLines(addItems), '}'] : []), ...addElements, '',
  ].join('\n');
  return { text, state, rules, changedServicePorts: changed };
}

/** The text that removes skiff's table (and nothing else). */
export function deleteTableText(): string {
  return `add table ip ${tableName}\ndelete table ip ${tableName}\n`;
}
