/**
 * The node's own address on the pod network (the pod bridge's gateway, 10.42.N.1), found in
 * the namespace the proxy programs. Pods here have no default route (src/kubelet/cni.ts:
 * only the cluster and service CIDRs go through the node), so traffic the proxy
 * masquerades towards a pod on another node must carry a pod-network source address, or
 * the pod's replies have nowhere to go; the outgoing interface's address that plain
 * `masquerade` picks (the node's LAN address) is not routable from inside a pod.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { NftTarget } from './nft.js';

const exec = promisify(execFile);

/** True when an IPv4 address lies inside an IPv4 CIDR. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, lenText] = cidr.split('/');
  const len = Number(lenText);
  const toInt = (a: string): number => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  if (!base || !Number.isInteger(len) || len < 0 || len > 32) return false;
  const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
  return ((toInt(ip) & mask) >>> 0) === ((toInt(base) & mask) >>> 0);
}

/** The first IPv4 address of `bridge` inside `clusterCIDR`, or undefined (no such bridge yet). */
export async function podGatewayAddress(target: NftTarget, clusterCIDR: string, bridge = 'cni0'): Promise<string | undefined> {
  let stdout: string;
  try {
    ({ stdout } = await exec('ip', [...(target.netns ? ['-n', target.netns] : []), '-4', '-j', 'addr', 'show', 'dev', bridge]));
  } catch (err: unknown) {
    // The bridge appears with the node's first pod; until then plain masquerade is used.
    if (/does not exist/.test(String((err as { stderr?: unknown }).stderr ?? ''))) return undefined;
    throw err;
  }
  const links = JSON.parse(stdout === '' ? '[]' : stdout) as Array<{ addr_info?: Array<{ family?: string; local?: string }> }>;
  for (const link of links) {
    for (const a of link.addr_info ?? []) if (a.family === 'inet' && a.local && inCidr(a.local, clusterCIDR)) return a.local;
  }
  return undefined;
}
