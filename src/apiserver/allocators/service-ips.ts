/**
 * Service cluster IPs and node ports, allocated by the API server on create (and when an
 * update turns a ClusterIP service into a NodePort one), as upstream's service REST storage
 * does. Used values come from the stored services plus a short-lived set of values handed
 * out but maybe not stored yet, so concurrent creates do not collide.
 */
import type { KubeObject } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';

export interface ServiceAllocatorOptions {
  /** IPv4 CIDR of service IPs (k3s: 10.43.0.0/16). */
  readonly cidr: string;
  readonly nodePortMin: number;
  readonly nodePortMax: number;
}

export const defaultServiceAllocation: ServiceAllocatorOptions = { cidr: '10.43.0.0/16', nodePortMin: 30000, nodePortMax: 32767 };

/** The first usable address is the `kubernetes` service's; .10 is cluster DNS (k3s). */
export const kubernetesServiceIP = (cidr: string): string => ipFromInt(parseCidr(cidr).base + 1);

interface Cidr { base: number; size: number }

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function ipFromInt(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function parseCidr(cidr: string): Cidr {
  const [ip, bits] = cidr.split('/');
  const base = ipToInt(ip ?? '');
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`bad service CIDR ${cidr}`);
  const size = 2 ** (32 - prefix);
  return { base: base - (base % size), size };
}

type ServiceSpec = { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: Array<{ nodePort?: number; port?: number }> };

const needsClusterIP = (spec: ServiceSpec): boolean => (spec.type ?? 'ClusterIP') !== 'ExternalName' && spec.clusterIP !== 'None';
const needsNodePorts = (spec: ServiceSpec): boolean => spec.type === 'NodePort' || spec.type === 'LoadBalancer';

export class ServiceAllocator {
  private readonly cidr: Cidr;
  /** Values handed out recently, with the time, until the store surely has them. */
  private readonly recentIPs = new Map<number, number>();
  private readonly recentPorts = new Map<number, number>();

  constructor(private readonly listServices: () => Promise<KubeObject[]>, private readonly o: ServiceAllocatorOptions = defaultServiceAllocation) {
    this.cidr = parseCidr(o.cidr);
  }

  /** Fills spec.clusterIP(s) and nodePorts that are missing; checks requested ones. */
  async allocate(svc: KubeObject, old: KubeObject | undefined): Promise<void> {
    const spec = (svc.spec ?? (svc.spec = {})) as ServiceSpec;
    const name = svc.metadata?.name ?? '';
    const wantIP = needsClusterIP(spec) && !(old && (old.spec as ServiceSpec | undefined)?.clusterIP === spec.clusterIP && spec.clusterIP);
    const wantPorts = needsNodePorts(spec) && (spec.ports ?? []).some((p) => !p.nodePort || !oldHasNodePort(old, p.nodePort));
    if (!wantIP && !wantPorts) return;
    const now = Date.now();
    this.expire(now);
    const { ips, ports } = await this.used(svc);
    if (wantIP) {
      if (spec.clusterIP) {
        const n = ipToInt(spec.clusterIP);
        if (n === undefined || n <= this.cidr.base || n >= this.cidr.base + this.cidr.size - 1) {
          throw errors.invalid('Service', '', name, [{ field: 'spec.clusterIPs', type: 'FieldValueInvalid', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${this.o.cidr}` }]);
        }
        if (ips.has(n) || this.recentIPs.has(n)) {
          throw errors.invalid('Service', '', name, [{ field: 'spec.clusterIPs', type: 'FieldValueInvalid', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated` }]);
        }
        this.recentIPs.set(n, now);
      } else {
        const n = this.freeIP(ips);
        this.recentIPs.set(n, now);
        spec.clusterIP = ipFromInt(n);
      }
      spec.clusterIPs = [spec.clusterIP as string];
    }
    if (wantPorts) {
      for (const p of spec.ports ?? []) {
        if (p.nodePort && oldHasNodePort(old, p.nodePort)) continue;
        if (p.nodePort) {
          if (ports.has(p.nodePort) || this.recentPorts.has(p.nodePort)) {
            throw errors.invalid('Service', '', name, [{ field: 'spec.ports[0].nodePort', type: 'FieldValueInvalid', message: `Invalid value: ${p.nodePort}: provided port is already allocated` }]);
          }
        } else {
          p.nodePort = this.freePort(ports);
        }
        ports.add(p.nodePort);
        this.recentPorts.set(p.nodePort, now);
      }
    }
  }

  private async used(self: KubeObject): Promise<{ ips: Set<number>; ports: Set<number> }> {
    const ips = new Set<number>();
    const ports = new Set<number>();
    for (const s of await this.listServices()) {
      if (s.metadata?.uid && s.metadata.uid === self.metadata?.uid) continue;
      const spec = (s.spec ?? {}) as ServiceSpec;
      const n = spec.clusterIP ? ipToInt(spec.clusterIP) : undefined;
      if (n !== undefined) ips.add(n);
      for (const p of spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
    }
    return { ips, ports };
  }

  private freeIP(used: Set<number>): number {
    const first = this.cidr.base + 1;
    const count = this.cidr.size - 2;
    const reserved = new Set([first, this.cidr.base + 10]);
    const start = Math.floor(Math.random() * count);
    for (let i = 0; i < count; i++) {
      const n = first + ((start + i) % count);
      if (!reserved.has(n) && !used.has(n) && !this.recentIPs.has(n)) return n;
    }
    throw errors.internal(`no service IPs left in ${this.o.cidr}`);
  }

  private freePort(used: Set<number>): number {
    const count = this.o.nodePortMax - this.o.nodePortMin + 1;
    const start = Math.floor(Math.random() * count);
    for (let i = 0; i < count; i++) {
      const n = this.o.nodePortMin + ((start + i) % count);
      if (!used.has(n) && !this.recentPorts.has(n)) return n;
    }
    throw errors.internal('no node ports left');
  }

  private expire(now: number): void {
    for (const m of [this.recentIPs, this.recentPorts]) for (const [k, t] of m) if (now - t > 60_000) m.delete(k);
  }
}

function oldHasNodePort(old: KubeObject | undefined, port: number): boolean {
  return ((old?.spec as ServiceSpec | undefined)?.ports ?? []).some((p) => p.nodePort === port);
}
