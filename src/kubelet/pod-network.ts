/**
 * A pod's eth0 on the node's bridge (cni0), made by the agent itself with two `ip`
 * processes instead of the bridge and host-local CNI plugins (two Go programs per ADD and two
 * more per DEL: ~18 ms of CPU per pod here, a sixth of a pod burst's CPU). The result is
 * what the bridge plugin makes with our config (cni.ts): a veth pair, eth0 in the pod with
 * its address and routes to the cluster and service CIDRs through the node (no default
 * route), the host end on cni0 with hairpin on. The address comes from ipam.ts.
 *
 *  1. in the namespace, by the process that makes it (netns.ts): lo up, the veth pair with
 *     its host end sent straight to the agent's namespace, eth0's address, up, routes;
 *  2. in the agent's namespace: the host end onto cni0, hairpin, up.
 * Removing the namespace removes both ends; the address is released by ipam.ts.
 */
import { ipBatch } from './netns.js';
import { podRange } from './ipam.js';
import { bridgeName, podRoutes } from './cni.js';

export interface PodInterface {
  /** The host end's name (15 characters at most). */
  veth: string;
  ip: string;
  /** The pod CIDR the address is from (gives the prefix and the gateway). */
  cidr: string;
}

/** The host end's name for a pod: derived from its uid, so a retry finds the same one. */
export function vethName(uid: string): string {
  return `veth${uid.replace(/-/g, '').slice(0, 11)}`;
}

/** `ip` batch lines run inside the new namespace (after lo up). */
export function podSideCommands(i: PodInterface, agentPid = process.pid): string[] {
  const { prefix, gateway } = podRange(i.cidr);
  return [
    // The peer goes to the agent's namespace as it is made (by pid: /run/netns may not name it).
    `link add eth0 type veth peer name ${i.veth} netns /proc/${agentPid}/ns/net`,
    `addr add ${i.ip}/${prefix} dev eth0`,
    'link set eth0 up',
    ...podRoutes.map((dst) => `route add ${dst} via ${gateway} dev eth0`),
  ];
}

/** Puts the host end on the bridge (hairpin on, as hairpinMode in cni.ts), up. */
export async function attachHostEnd(veth: string): Promise<void> {
  await ipBatch(['ip'], [
    `link set dev ${veth} master ${bridgeName}`,
    `link set dev ${veth} type bridge_slave hairpin on`,
    `link set dev ${veth} up`,
  ]);
}

/** The CNI result the bridge plugin would have given (portmap takes it as prevResult). */
export function cniResult(i: PodInterface, netnsPath: string): Record<string, unknown> {
  const { prefix, gateway } = podRange(i.cidr);
  return {
    cniVersion: '1.0.0',
    interfaces: [{ name: bridgeName }, { name: i.veth }, { name: 'eth0', sandbox: netnsPath }],
    ips: [{ address: `${i.ip}/${prefix}`, gateway, interface: 2 }],
    routes: podRoutes.map((dst) => ({ dst, gw: gateway })),
  };
}
