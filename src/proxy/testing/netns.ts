/**
 * A throwaway node for network tests, built from network namespaces that have no route
 * off the machine: a "node" namespace with a bridge for pods (the cluster CIDR's /24) and
 * ip_forward on (only there), "pod" namespaces on that bridge, and an "outside" client
 * namespace on a veth to the node (for NodePort and off-cluster traffic). Everything it
 * makes — namespaces, veths, processes — dispose() removes, by name and by PID.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { NamespaceSet } from './namespace-set.js';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface PodSpec { name: string; ip: string }
export interface TestNodeOptions {
  /** Pods on the node's bridge (10.42.0.0/24 unless bridgeCidr says otherwise). */
  pods: PodSpec[];
  bridgeIp?: string;
  prefixLength?: number;
  /** Address of the node on the outside link, and of the outside client. */
  nodeOutsideIp?: string;
  outsideIp?: string;
}

export type { RunResult } from './namespace-set.js';

export class TestNode extends NamespaceSet {
  readonly node: string;
  readonly outside: string;
  readonly pods = new Map<string, string>();
  readonly bridgeIp: string;
  readonly nodeOutsideIp: string;
  readonly outsideIp: string;

  private constructor(private readonly opts: TestNodeOptions) {
    super();
    const id = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
    this.node = `skt-${id}-node`;
    this.outside = `skt-${id}-out`;
    for (const p of opts.pods) this.pods.set(p.name, `skt-${id}-${p.name}`);
    this.bridgeIp = opts.bridgeIp ?? '10.42.0.1';
    this.nodeOutsideIp = opts.nodeOutsideIp ?? '192.168.77.1';
    this.outsideIp = opts.outsideIp ?? '192.168.77.2';
  }

  static async create(opts: TestNodeOptions): Promise<TestNode> {
    const t = new TestNode(opts);
    try {
      await t.build();
    } catch (err: unknown) {
      await t.dispose();
      throw err;
    }
    return t;
  }



  private async build(): Promise<void> {
    const len = this.opts.prefixLength ?? 24;
    await this.addNs(this.node);
    await this.ip(this.node, 'link add br0 type bridge');
    await this.ip(this.node, `addr add ${this.bridgeIp}/${len} dev br0`);
    await this.ip(this.node, 'link set br0 up');
    await exec('ip', ['netns', 'exec', this.node, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    let i = 0;
    for (const p of this.opts.pods) {
      const ns = this.pods.get(p.name) ?? '';
      await this.addNs(ns);
      const port = `vp${i++}`;
      await this.ip(this.node, `link add ${port} type veth peer name eth0 netns ${ns}`);
      await this.ip(this.node, `link set ${port} master br0 up`);
      await this.ip(ns, `addr add ${p.ip}/${len} dev eth0`);
      await this.ip(ns, 'link set eth0 up');
      await this.ip(ns, `route add default via ${this.bridgeIp}`);
    }
    await this.addNs(this.outside);
    await this.ip(this.node, `link add vout type veth peer name eth0 netns ${this.outside}`);
    await this.ip(this.node, `addr add ${this.nodeOutsideIp}/24 dev vout`);
    await this.ip(this.node, 'link set vout up');
    await this.ip(this.outside, `addr add ${this.outsideIp}/24 dev eth0`);
    await this.ip(this.outside, 'link set eth0 up');
    // The outside client's default route ends in the node namespace, which has none.
    await this.ip(this.outside, `route add default via ${this.nodeOutsideIp}`);
  }

  /** The namespace of a pod by its name. */
  podNs(name: string): string {
    const ns = this.pods.get(name);
    if (!ns) throw new Error(`no pod ${name}`);
    return ns;
  }
}

/** Waits until an HTTP server answers inside a namespace (busybox wget; its -T option crashes in 1.35, so the timeout is ours). */
export async function waitForHttp(t: TestNode, ns: string, url: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await t.run(ns, ['busybox', 'wget', '-q', '-O', '/dev/null', url], 2000);
    if (r.code === 0) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer in ${ns}: ${r.stderr}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** One HTTP GET from inside a namespace: the body, or the error text. */
export async function httpGet(t: TestNode, ns: string, url: string): Promise<{ ok: boolean; body: string; error: string; ms: number }> {
  const start = Date.now();
  const r = await t.run(ns, ['busybox', 'wget', '-q', '-O', '-', url], 3000);
  return { ok: r.code === 0, body: r.stdout.trim(), error: r.stderr.trim(), ms: Date.now() - start };
}
