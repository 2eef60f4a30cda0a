/**
 * A throwaway multi-node network for tests: a "lan" namespace holding a bridge that joins
 * N node namespaces (192.168.78.1+i) and an outside client (192.168.78.100); each node has
 * its own pod bridge (10.42.i.0/24, gateway .1), ip_forward on (only there), and host-gw
 * routes to the other nodes' pod CIDRs. No namespace has a route off the machine.
 * dispose() removes every namespace (and with them every veth) and kills what it spawned.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { NamespaceSet } from './namespace-set.js';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface ClusterPod { name: string; node: number; ip: string }

export class TestCluster extends NamespaceSet {
  readonly lan: string;
  readonly outside: string;
  readonly nodes: string[] = [];
  readonly pods = new Map<string, string>();

  private constructor(readonly nodeCount: number, private readonly podSpecs: ClusterPod[]) {
    super();
    const id = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
    this.lan = `skc-${id}-lan`;
    this.outside = `skc-${id}-out`;
    for (let i = 0; i < nodeCount; i++) this.nodes.push(`skc-${id}-n${i}`);
    for (const p of podSpecs) this.pods.set(p.name, `skc-${id}-${p.name}`);
  }

  static async create(nodeCount: number, pods: ClusterPod[]): Promise<TestCluster> {
    const c = new TestCluster(nodeCount, pods);
    try {
      await c.build();
    } catch (err: unknown) {
      await c.dispose();
      throw err;
    }
    return c;
  }

  nodeIp(i: number): string { return `192.168.78.${i + 1}`; }
  get outsideIp(): string { return '192.168.78.100'; }



  private async build(): Promise<void> {
    await this.addNs(this.lan);
    await this.ip(this.lan, 'link add br0 type bridge');
    await this.ip(this.lan, 'link set br0 up');
    const join = async (ns: string, port: string, addr: string): Promise<void> => {
      await this.ip(this.lan, `link add ${port} type veth peer name eth0 netns ${ns}`);
      await this.ip(this.lan, `link set ${port} master br0 up`);
      await this.ip(ns, `addr add ${addr}/24 dev eth0`);
      await this.ip(ns, 'link set eth0 up');
    };
    for (let i = 0; i < this.nodeCount; i++) {
      const ns = this.nodes[i] ?? '';
      await this.addNs(ns);
      await join(ns, `vn${i}`, this.nodeIp(i));
      await this.ip(ns, 'link add cni0 type bridge');
      await this.ip(ns, `addr add 10.42.${i}.1/24 dev cni0`);
      await this.ip(ns, 'link set cni0 up');
      await exec('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
      for (let j = 0; j < this.nodeCount; j++) if (j !== i) await this.ip(ns, `route add 10.42.${j}.0/24 via ${this.nodeIp(j)}`);
    }
    await this.addNs(this.outside);
    await join(this.outside, 'vout', this.outsideIp);
    let k = 0;
    for (const p of this.podSpecs) {
      const ns = this.pods.get(p.name) ?? '';
      const node = this.nodes[p.node] ?? '';
      await this.addNs(ns);
      const port = `vp${k++}`;
      await this.ip(node, `link add ${port} type veth peer name eth0 netns ${ns}`);
      await this.ip(node, `link set ${port} master cni0 up`);
      await this.ip(ns, `addr add ${p.ip}/24 dev eth0`);
      await this.ip(ns, 'link set eth0 up');
      await this.ip(ns, `route add default via 10.42.${p.node}.1`);
    }
  }

  podNs(name: string): string {
    const ns = this.pods.get(name);
    if (!ns) throw new Error(`no pod ${name}`);
    return ns;
  }
}
