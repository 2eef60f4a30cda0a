/**
 * The VXLAN backend of the pod network (as flannel's vxlan): one device, skiff.vxlan (VNI 1,
 * UDP 8472, no learning), whose address is the network address of this node's pod CIDR
 * (a /32). Each other node is a peer: its VTEP MAC (published in the Node annotation
 * skiff.io/vtep-mac), a permanent neighbour entry for its pod CIDR's network address, a
 * forwarding entry sending that MAC to its InternalIP, and a route to its pod CIDR through
 * the device. Nodes then need no shared L2 segment, only UDP between their addresses.
 * Deleting the device removes every peer entry with it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const vxlanDevice = 'skiff.vxlan';
export const vtepMacAnnotation = 'skiff.io/vtep-mac';
const vni = '1';
const port = '8472';
/** What VXLAN wraps around a frame (outer IPv4, UDP, VXLAN and Ethernet headers), as flannel counts it. */
export const vxlanOverhead = 50;

export interface VxlanPeer { readonly cidr: string; readonly nodeIP: string; readonly mac: string }

/** The network address of a /24 pod CIDR (10.42.3.0/24 -> 10.42.3.0). */
export function cidrNetwork(cidr: string): string {
  return cidr.split('/')[0] ?? cidr;
}

/** The MTU of the interface that holds `localIP` (the underlay the VXLAN packets leave by). */
export async function underlayMtu(localIP: string): Promise<number> {
  const { stdout } = await run('ip', ['-j', '-4', 'addr', 'show']);
  const links = JSON.parse(stdout) as Array<{ ifname?: string; mtu?: number; addr_info?: Array<{ local?: string }> }>;
  const link = links.find((l) => l.addr_info?.some((a) => a.local === localIP));
  if (!link?.mtu) throw new Error(`no interface holds ${localIP}: cannot size the VXLAN MTU`);
  return link.mtu;
}

/**
 * Makes (or keeps) the device with this node's address on it, its MTU the underlay's less
 * VXLAN's 50 bytes (so no wrapped packet is fragmented); returns its MAC and MTU, the MTU
 * every pod interface gets too (as flannel's vxlan).
 */
export async function ensureVxlanDevice(localIP: string, podCidr: string): Promise<{ mac: string; mtu: number }> {
  const mtu = (await underlayMtu(localIP)) - vxlanOverhead;
  await run('ip', ['link', 'add', vxlanDevice, 'type', 'vxlan', 'id', vni, 'local', localIP, 'dstport', port, 'nolearning']).catch((err: unknown) => {
    if (!/File exists/.test(String((err as Error).message))) throw err;
  });
  await run('ip', ['link', 'set', vxlanDevice, 'mtu', String(mtu)]);
  await run('ip', ['addr', 'replace', `${cidrNetwork(podCidr)}/32`, 'dev', vxlanDevice]);
  await run('ip', ['link', 'set', vxlanDevice, 'up']);
  const { stdout } = await run('ip', ['-j', 'link', 'show', 'dev', vxlanDevice]);
  const mac = (JSON.parse(stdout) as Array<{ address?: string }>)[0]?.address;
  if (!mac) throw new Error(`no MAC address on ${vxlanDevice}`);
  return { mac, mtu };
}

export async function programVxlanPeer(p: VxlanPeer, routeProtocol: number): Promise<void> {
  const gw = cidrNetwork(p.cidr);
  await run('ip', ['neigh', 'replace', gw, 'lladdr', p.mac, 'dev', vxlanDevice, 'nud', 'permanent']);
  await run('bridge', ['fdb', 'replace', p.mac, 'dev', vxlanDevice, 'dst', p.nodeIP, 'self', 'permanent']);
  await run('ip', ['route', 'replace', p.cidr, 'via', gw, 'dev', vxlanDevice, 'onlink', 'proto', String(routeProtocol)]);
}

export async function removeVxlanPeer(p: VxlanPeer, routeProtocol: number): Promise<void> {
  const ignoreGone = (err: unknown): void => {
    if (!/No such|Cannot find|not found|ENOENT/i.test(String((err as Error).message))) throw err;
  };
  await run('ip', ['route', 'del', p.cidr, 'proto', String(routeProtocol)]).catch(ignoreGone);
  await run('ip', ['neigh', 'del', cidrNetwork(p.cidr), 'dev', vxlanDevice]).catch(ignoreGone);
  await run('bridge', ['fdb', 'del', p.mac, 'dev', vxlanDevice, 'dst', p.nodeIP, 'self']).catch(ignoreGone);
}

export async function deleteVxlanDevice(): Promise<void> {
  await run('ip', ['link', 'del', vxlanDevice]).catch((err: unknown) => {
    if (!/Cannot find|does not exist/.test(String((err as Error).message))) throw err;
  });
}
