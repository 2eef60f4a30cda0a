/**
 * Cross-node pod traffic, by the cluster's backend (ConfigMap kube-system/skiff-network,
 * src/join/network-config.ts). host-gw (as flannel's host-gw backend; the default): for every
 * other Node with a podCIDR and an InternalIP, a route `podCIDR via InternalIP` in the agent's
 * network namespace (nodes share an L2 segment). vxlan: the same routes through an overlay
 * device (routes-vxlan.ts), peers known by their Nodes' VTEP MAC annotation. The routes carry their own protocol number, so the agent finds its routes again
 * after a restart and removes the ones of nodes that went away; stop() removes them all.
 *
 * Forwarding between cni0 and the node's uplink needs net.ipv4.ip_forward=1 in this
 * namespace; the agent never turns it on itself (see HOST-NOTES: never in a test's root
 * namespace), it reports when it is off.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { KubeObject } from '../api/types.js';
import { SharedInformerFactory, type Informer } from '../client/informers/index.js';
import type { RestClient } from '../client/rest.js';
import { coreResources, ResourceClient } from '../client/typed/index.js';
import type { PodNetworkBackend } from '../join/network-config.js';
import { deleteVxlanDevice, ensureVxlanDevice, programVxlanPeer, removeVxlanPeer, vtepMacAnnotation, type VxlanPeer } from './routes-vxlan.js';

const run = promisify(execFile);

/** rtnetlink protocol number marking skiff's pod routes (iproute2 shows "proto 77"). */
export const routeProtocol = 77;

interface NodeObj extends KubeObject {
  spec?: { podCIDR?: string };
  status?: { addresses?: Array<{ type?: string; address?: string }> };
}

const internalIP = (n: NodeObj): string | undefined => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;

/** podCIDR -> gateway (the node's InternalIP) for every node but `self`. */
export function desiredRoutes(nodes: readonly NodeObj[], self: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of nodes) {
    // Simulated (hollow) nodes run no pods anyone could reach.
    if (n.metadata?.name === self || n.metadata?.deletionTimestamp || n.metadata?.labels?.['node.skiff.io/simulated'] === 'true') continue;
    const cidr = n.spec?.podCIDR;
    const via = internalIP(n);
    if (!cidr || !via || !/^\d+\.\d+\.\d+\.\d+$/.test(via) || via.startsWith('127.')) continue;
    out.set(cidr, via);
  }
  return out;
}

/** VXLAN peers: the host-gw routes' nodes that published a VTEP MAC. */
export function desiredPeers(nodes: readonly NodeObj[], self: string): Map<string, VxlanPeer> {
  const hostGw = desiredRoutes(nodes, self);
  const out = new Map<string, VxlanPeer>();
  for (const n of nodes) {
    const cidr = n.spec?.podCIDR;
    const nodeIP = cidr ? hostGw.get(cidr) : undefined;
    const mac = n.metadata?.annotations?.[vtepMacAnnotation];
    if (cidr && nodeIP && mac && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) out.set(cidr, { cidr, nodeIP, mac });
  }
  return out;
}

/** Our routes now in the table: destination -> gateway. */
export function parseRouteTable(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+\.\d+\.\d+\/\d+) via (\d+\.\d+\.\d+\.\d+)/.exec(line.trim());
    if (m?.[1] && m[2]) out.set(m[1], m[2]);
  }
  return out;
}

export interface PodRoutesOptions {
  rest: RestClient;
  nodeName: string;
  /** The cluster's pod network backend (its network ConfigMap, read by the agent). */
  backend: PodNetworkBackend;
  onError?: (err: unknown) => void;
}

export class PodRoutes {
  private readonly factory: SharedInformerFactory;
  private readonly informer: Informer<NodeObj>;
  private readonly onError: (err: unknown) => void;
  private pending: Promise<void> = Promise.resolve();
  private dirty = false;
  private stopped: Promise<void> | undefined;
  private warnedForwarding = false;
  /** The pods' interface MTU once started: the VXLAN device's (underlay - 50); undefined on host-gw (the plugin's default). */
  podMtu: number | undefined;
  /** VXLAN peers programmed, by pod CIDR. */
  private readonly peers = new Map<string, VxlanPeer>();

  constructor(private readonly o: PodRoutesOptions) {
    this.onError = o.onError ?? (() => undefined);
    this.factory = new SharedInformerFactory(o.rest, { onError: this.onError });
    this.informer = this.factory.forResource<NodeObj>(coreResources.nodes);
    const changed = (): void => this.schedule();
    this.informer.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  }

  async start(): Promise<void> {
    this.factory.start();
    await this.informer.waitForSync();
    if (this.o.backend === 'vxlan') await this.setUpVxlan();
    this.schedule();
    await this.pending;
  }

  /** One reconcile at a time; changes during one cause exactly one more. */
  private schedule(): void {
    if (this.stopped) return;
    if (this.dirty) return;
    this.dirty = true;
    this.pending = this.pending.then(async () => {
      this.dirty = false;
      if (this.stopped) return;
      await this.reconcile().catch((err: unknown) => this.onError(new Error('programming pod routes failed', { cause: err })));
    });
  }

  private async current(): Promise<Map<string, string>> {
    const { stdout } = await run('ip', ['-4', 'route', 'show', 'proto', String(routeProtocol)]);
    return parseRouteTable(stdout);
  }

  /** The device on this node's address, its MAC published on this Node for the others. */
  private async setUpVxlan(): Promise<void> {
    const self = this.informer.lister.get(undefined, this.o.nodeName) ?? await new ResourceClient<NodeObj>(this.o.rest, coreResources.nodes).get(undefined, this.o.nodeName);
    const ip = internalIP(self);
    const cidr = self.spec?.podCIDR;
    if (!ip || !cidr) throw new Error(`node ${this.o.nodeName} has no InternalIP or podCIDR yet: cannot set up VXLAN`);
    const { mac, mtu } = await ensureVxlanDevice(ip, cidr);
    this.podMtu = mtu;
    if (self.metadata?.annotations?.[vtepMacAnnotation] !== mac) {
      await new ResourceClient<NodeObj>(this.o.rest, coreResources.nodes).patch(undefined, this.o.nodeName, 'merge', { metadata: { annotations: { [vtepMacAnnotation]: mac } } });
    }
  }

  private async reconcileVxlan(): Promise<void> {
    const want = desiredPeers(this.informer.lister.list(), this.o.nodeName);
    for (const [cidr, peer] of want) {
      const had = this.peers.get(cidr);
      if (had && had.mac === peer.mac && had.nodeIP === peer.nodeIP) continue;
      if (had) await removeVxlanPeer(had, routeProtocol);
      await programVxlanPeer(peer, routeProtocol);
      this.peers.set(cidr, peer);
    }
    for (const [cidr, had] of [...this.peers]) {
      if (want.has(cidr)) continue;
      await removeVxlanPeer(had, routeProtocol);
      this.peers.delete(cidr);
    }
    // Routes of ours the table still has but no peer explains (an earlier run): gone.
    for (const cidr of (await this.current()).keys()) if (!want.has(cidr)) await run('ip', ['route', 'del', cidr, 'proto', String(routeProtocol)]);
  }

  private async reconcile(): Promise<void> {
    if (this.o.backend === 'vxlan') {
      await this.reconcileVxlan();
      await this.checkForwarding(this.peers.size);
      return;
    }
    const want = desiredRoutes(this.informer.lister.list(), this.o.nodeName);
    const have = await this.current();
    for (const [cidr, via] of want) {
      if (have.get(cidr) === via) continue;
      await run('ip', ['route', 'replace', cidr, 'via', via, 'proto', String(routeProtocol)]);
    }
    for (const cidr of have.keys()) if (!want.has(cidr)) await run('ip', ['route', 'del', cidr, 'proto', String(routeProtocol)]);
    await this.checkForwarding(want.size);
  }

  private async checkForwarding(peers: number): Promise<void> {
    if (peers > 0 && !this.warnedForwarding) {
      const forwarding = (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8').catch(() => '0')).trim();
      if (forwarding !== '1') {
        this.warnedForwarding = true;
        this.onError(new Error('net.ipv4.ip_forward is 0 in this network namespace: pods on other nodes cannot reach this node\'s pods'));
      }
    }
  }

  /** Stops watching and removes every route it programmed. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.pending;
      await this.factory.stop();
      const have = await this.current().catch(() => new Map<string, string>());
      for (const cidr of have.keys()) await run('ip', ['route', 'del', cidr, 'proto', String(routeProtocol)]).catch(this.onError);
      if (this.o.backend === 'vxlan') await deleteVxlanDevice().catch(this.onError);
    })();
    return this.stopped;
  }
}
