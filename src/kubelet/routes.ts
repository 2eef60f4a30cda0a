/**
 * Cross-node pod traffic, host-gw style (as flannel's host-gw backend): for every other Node
 * with a podCIDR and an InternalIP, a route `podCIDR via InternalIP` in the agent's network
 * namespace. The routes carry their own protocol number, so the agent finds its routes again
 * after a restart and removes the ones of nodes that went away; stop() removes them all.
 * Nodes must share an L2 segment (their InternalIPs on a common subnet).
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
import { coreResources } from '../client/typed/index.js';

const run = promisify(execFile);

/** rtnetlink protocol number marking skiff's pod routes (iproute2 shows "proto 77"). */
export const routeProtocol = 77;

interface NodeObj extends KubeObject {
  spec?: { podCIDR?: string };
  status?: { addresses?: Array<{ type?: string; address?: string }> };
}

/** podCIDR -> gateway (the node's InternalIP) for every node but `self`. */
export function desiredRoutes(nodes: readonly NodeObj[], self: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of nodes) {
    // Simulated (hollow) nodes run no pods anyone could reach.
    if (n.metadata?.name === self || n.metadata?.deletionTimestamp || n.metadata?.labels?.['node.skiff.io/simulated'] === 'true') continue;
    const cidr = n.spec?.podCIDR;
    const via = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (!cidr || !via || !/^\d+\.\d+\.\d+\.\d+$/.test(via) || via.startsWith('127.')) continue;
    out.set(cidr, via);
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

  private async reconcile(): Promise<void> {
    const want = desiredRoutes(this.informer.lister.list(), this.o.nodeName);
    const have = await this.current();
    for (const [cidr, via] of want) {
      if (have.get(cidr) === via) continue;
      await run('ip', ['route', 'replace', cidr, 'via', via, 'proto', String(routeProtocol)]);
    }
    for (const cidr of have.keys()) if (!want.has(cidr)) await run('ip', ['route', 'del', cidr, 'proto', String(routeProtocol)]);
    if (want.size > 0 && !this.warnedForwarding) {
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
    })();
    return this.stopped;
  }
}
