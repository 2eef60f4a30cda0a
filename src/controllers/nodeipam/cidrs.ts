/**
 * IPv4 CIDR arithmetic for the range allocator: the cluster CIDR split into node-sized
 * blocks (a /24 each by default), handed out lowest first.
 */

export interface Cidr { readonly base: number; readonly prefix: number }

export function parseCidr(s: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || prefix > 32) throw new Error(`invalid IPv4 CIDR ${JSON.stringify(s)}`);
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: addr - (addr % size), prefix };
}

export function formatCidr(c: Cidr): string {
  const o = [24, 16, 8, 0].map((shift) => Math.floor(c.base / 2 ** shift) % 256);
  return `${o.join('.')}/${c.prefix}`;
}

/** How many node blocks of /nodePrefix the cluster CIDR holds. */
export function blockCount(cluster: Cidr, nodePrefix: number): number {
  if (nodePrefix < cluster.prefix || nodePrefix > 32) throw new Error(`node mask /${nodePrefix} does not fit in the cluster CIDR /${cluster.prefix}`);
  return 2 ** (nodePrefix - cluster.prefix);
}

export function blockAt(cluster: Cidr, nodePrefix: number, index: number): string {
  return formatCidr({ base: cluster.base + index * 2 ** (32 - nodePrefix), prefix: nodePrefix });
}

/** The lowest node block not in `taken`, or undefined when the cluster CIDR is full. */
export function firstFreeBlock(clusterCidr: string, nodePrefix: number, taken: ReadonlySet<string>): string | undefined {
  const cluster = parseCidr(clusterCidr);
  const n = blockCount(cluster, nodePrefix);
  for (let i = 0; i < n; i++) {
    const cidr = blockAt(cluster, nodePrefix, i);
    if (!taken.has(cidr)) return cidr;
  }
  return undefined;
}
