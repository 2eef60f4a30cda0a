/**
 * Pod CIDRs for hollow nodes: node i gets 10.42.i.0/24 for the first 256 nodes (the
 * cluster CIDR, one /24 per node as k3s does). Larger simulated clusters continue in
 * 10.44.0.0 upward, skipping the service CIDR 10.43.0.0/16, so every pod IP stays unique.
 * Within a node, pod IPs .2 to .254 are handed out and recycled.
 */
export function podCidrFor(index: number): { cidr: string; prefix: string } {
  let second = 42 + Math.floor(index / 256);
  if (second >= 43) second += 1;
  const third = index % 256;
  const prefix = `10.${second}.${third}`;
  return { cidr: `${prefix}.0/24`, prefix };
}

export class IpPool {
  private readonly free: number[] = [];
  private next = 2;
  private readonly byPod = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  /** The pod's IP (stable for the pod), or undefined when the /24 is exhausted. */
  allocate(podUid: string): string | undefined {
    const have = this.byPod.get(podUid);
    if (have) return have;
    const host = this.free.pop() ?? (this.next <= 254 ? this.next++ : undefined);
    if (host === undefined) return undefined;
    const ip = `${this.prefix}.${host}`;
    this.byPod.set(podUid, ip);
    return ip;
  }

  /** Records an IP a pod already has (a restarted simulator finds its running pods). */
  reserve(podUid: string, ip: string): void {
    if (!ip.startsWith(`${this.prefix}.`) || this.byPod.has(podUid)) return;
    const host = Number(ip.slice(this.prefix.length + 1));
    if (!Number.isInteger(host) || host < 2 || host > 254) return;
    this.byPod.set(podUid, ip);
    const i = this.free.indexOf(host);
    if (i >= 0) this.free.splice(i, 1);
    // Hosts below `next` that are not free are taken; above it, skip past the reserved one.
    while (this.next <= host) {
      if (this.next !== host) this.free.push(this.next);
      this.next++;
    }
  }

  release(podUid: string): void {
    const ip = this.byPod.get(podUid);
    if (!ip) return;
    this.byPod.delete(podUid);
    this.free.push(Number(ip.slice(ip.lastIndexOf('.') + 1)));
  }
}
