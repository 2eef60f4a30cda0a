/**
 * The cluster zone as an index of records built from Services and EndpointSlices (pure,
 * rebuilt on change), answering as the Kubernetes DNS specification says:
 *   SVC.NS.svc.ZONE           A/AAAA of the ClusterIP; for headless services one A per ready endpoint
 *   HOST.SVC.NS.svc.ZONE      a headless endpoint by its hostname (or its dashed IP)
 *   _PORT._PROTO.SVC.NS.svc.ZONE  SRV for named ports
 *   A-B-C-D.NS.pod.ZONE       A of that pod IP
 *   SVC.NS.svc.ZONE           CNAME for ExternalName services
 * Names under the zone that do not exist are NXDOMAIN; names that exist without the asked
 * type (or are only parents of names, as NS.svc.ZONE) answer NOERROR with no data; both
 * carry the zone's SOA so resolvers cache the negative answer.
 */
import type { Answer, RecordType, SrvData } from 'dns-packet';
import { endpointsFor, type EndpointSliceObject, type ServiceObject, groupSlices, type Protocol } from '../proxy/index.js';

export const defaultTtl = 5;

export interface ZoneOptions { zone?: string; ttl?: number }

interface NodeRecords { A: string[]; AAAA: string[]; SRV: SrvData[]; CNAME?: string }
export type Rcode = 'NOERROR' | 'NXDOMAIN';
export interface Lookup { rcode: Rcode; answers: Answer[]; authorities: Answer[]; additionals: Answer[] }

const dashed = (ip: string): string => ip.replace(/[.:]/g, '-');
const isV4 = (ip: string): boolean => /^\d+\.\d+\.\d+\.\d+$/.test(ip);
const isV6 = (ip: string): boolean => ip.includes(':');
/** Lower-case, no trailing dot: the form names are kept in. */
export const canonical = (name: string): string => name.toLowerCase().replace(/\.$/, '');

interface HeadlessPortSpec { name?: string; port: number; protocol?: string }

export class ClusterZone {
  readonly zone: string;
  readonly ttl: number;
  private readonly records = new Map<string, NodeRecords>();
  private readonly parents = new Set<string>();

  constructor(services: Iterable<ServiceObject>, slices: Iterable<EndpointSliceObject>, opts: ZoneOptions = {}) {
    this.zone = canonical(opts.zone ?? 'cluster.local');
    this.ttl = opts.ttl ?? defaultTtl;
    this.parents.add(`svc.${this.zone}`);
    this.parents.add(`pod.${this.zone}`);
    const byService = groupSlices(slices);
    for (const svc of services) this.addService(svc, byService.get(`${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`) ?? []);
  }

  private node(name: string): NodeRecords {
    let r = this.records.get(name);
    if (!r) {
      this.records.set(name, (r = { A: [], AAAA: [], SRV: [] }));
      // Every ancestor inside the zone exists (empty non-terminals answer NODATA, not NXDOMAIN).
      for (let p = name.slice(name.indexOf('.') + 1); p.length > this.zone.length && p.endsWith(this.zone); p = p.slice(p.indexOf('.') + 1)) this.parents.add(p);
    }
    return r;
  }

  private addService(svc: ServiceObject, slices: EndpointSliceObject[]): void {
    const ns = (svc.metadata?.namespace ?? 'default').toLowerCase();
    const base = `${(svc.metadata?.name ?? '').toLowerCase()}.${ns}.svc.${this.zone}`;
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') {
      const target = spec.externalName;
      if (target) this.node(base).CNAME = canonical(target);
      return;
    }
    const ports = (spec.ports ?? []) as HeadlessPortSpec[];
    const clusterIPs = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
    const headless = clusterIPs.length === 0 || clusterIPs[0] === 'None';
    const rec = this.node(base);
    if (!headless) {
      rec.A.push(...clusterIPs.filter(isV4));
      rec.AAAA.push(...clusterIPs.filter(isV6));
      for (const p of ports) {
        if (!p.name) continue;
        this.node(`_${p.name.toLowerCase()}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`).SRV.push({ priority: 0, weight: 100, port: p.port, target: base });
      }
      return;
    }
    // Headless: the ready endpoints themselves, found under any port (or none).
    const seen = new Set<string>();
    const portList: Array<{ name: string; protocol: Protocol }> = ports.length > 0 ? ports.map((p) => ({ name: p.name ?? '', protocol: (p.protocol ?? 'TCP') as Protocol })) : [];
    const endpointsOfAllPorts = portList.length > 0 ? portList.map((p) => ({ p, eps: endpointsFor(slices, p.name, p.protocol) })) : [];
    const portless = slices.flatMap((s) => (s.endpoints ?? []).filter((e) => (e.conditions?.ready ?? true) && e.conditions?.terminating !== true)
      .flatMap((e) => (e.addresses ?? []).map((ip) => ({ ip, port: 0, ready: true, ...(e.hostname ? { hostname: e.hostname } : {}) }))));
    const all = endpointsOfAllPorts.length > 0 ? endpointsOfAllPorts.flatMap((x) => x.eps) : portless;
    for (const ep of all) {
      if (!ep.ready || seen.has(ep.ip)) continue;
      seen.add(ep.ip);
      (isV6(ep.ip) ? rec.AAAA : rec.A).push(ep.ip);
      const host = `${(ep.hostname ?? dashed(ep.ip)).toLowerCase()}.${base}`;
      (isV6(ep.ip) ? this.node(host).AAAA : this.node(host).A).push(ep.ip);
    }
    for (const { p, eps } of endpointsOfAllPorts) {
      if (!p.name) continue;
      const srv = this.node(`_${p.name.toLowerCase()}._${p.protocol.toLowerCase()}.${base}`);
      for (const ep of eps) if (ep.ready) srv.SRV.push({ priority: 0, weight: 100, port: ep.port, target: `${(ep.hostname ?? dashed(ep.ip)).toLowerCase()}.${base}` });
    }
  }

  /** Whether a name is ours to answer (otherwise it is forwarded). */
  inZone(name: string): boolean {
    const n = canonical(name);
    return n === this.zone || n.endsWith(`.${this.zone}`);
  }

  soa(): Answer {
    return {
      type: 'SOA', name: this.zone, ttl: this.ttl,
      data: { mname: `ns.dns.${this.zone}`, rname: `hostmaster.${this.zone}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: this.ttl },
    };
  }

  private podAddress(n: string): string | undefined {
    // A-B-C-D.NS.pod.ZONE: any namespace, as kube-dns' "pods insecure" mode.
    const m = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.[a-z0-9-]+\.pod\./.exec(n);
    if (!m || !n.endsWith(`.pod.${this.zone}`) || n.split('.').length !== 3 + this.zone.split('.').length) return undefined;
    const parts = m.slice(1, 5).map(Number);
    return parts.every((x) => x <= 255) ? parts.join('.') : undefined;
  }

  /** Answers one question under the zone. `name` is echoed as asked. */
  lookup(name: string, type: RecordType | 'ANY'): Lookup {
    const n = canonical(name);
    const owner = name.replace(/\.$/, '');
    const ttl = this.ttl;
    const nodata: Lookup = { rcode: 'NOERROR', answers: [], authorities: [this.soa()], additionals: [] };
    const pod = this.podAddress(n);
    if (pod) return type === 'A' || type === 'ANY' ? { rcode: 'NOERROR', answers: [{ type: 'A', name: owner, ttl, data: pod }], authorities: [], additionals: [] } : nodata;
    const rec = this.records.get(n);
    if (!rec) return this.parents.has(n) || n === this.zone ? nodata : { rcode: 'NXDOMAIN', answers: [], authorities: [this.soa()], additionals: [] };
    if (rec.CNAME) return { rcode: 'NOERROR', answers: [{ type: 'CNAME', name: owner, ttl, data: rec.CNAME }], authorities: [], additionals: [] };
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    if (type === 'A' || type === 'ANY') for (const ip of rec.A) answers.push({ type: 'A', name: owner, ttl, data: ip });
    if (type === 'AAAA' || type === 'ANY') for (const ip of rec.AAAA) answers.push({ type: 'AAAA', name: owner, ttl, data: ip });
    if (type === 'SRV' || type === 'ANY') {
      for (const srv of rec.SRV) {
        answers.push({ type: 'SRV', name: owner, ttl, data: srv });
        const target = this.records.get(srv.target);
        for (const ip of target?.A ?? []) additionals.push({ type: 'A', name: srv.target, ttl, data: ip });
      }
    }
    return answers.length > 0 ? { rcode: 'NOERROR', answers, authorities: [], additionals } : nodata;
  }
}
