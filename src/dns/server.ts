/**
 * The cluster DNS server: UDP and TCP on one address, answers under the cluster zone from
 * a ClusterZone rebuilt (lazily) whenever Services or EndpointSlices change, and forwards
 * everything else upstream. Packets are encoded and decoded with dns-packet.
 *
 * Lifecycle: start() binds both sockets; stop() closes them and is idempotent.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet, type RecordType } from 'dns-packet';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ServiceSource } from '../proxy/index.js';
import { ClusterZone, type Lookup } from './records.js';
import { forward, type Upstream } from './upstream.js';

export interface DnsServerOptions {
  source: ServiceSource;
  /** Address to serve on, e.g. 10.42.0.1 (the kube-dns Service's endpoint). */
  host: string;
  /** 53 in production; 0 picks a free port (tests). */
  port: number;
  zone?: string;
  ttl?: number;
  upstreams?: Upstream[];
  /** Where to register query metrics (by outcome and rcode, and latency). */
  registry?: Registry;
  onError?: (err: unknown) => void;
}

const rcodeBits: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
const maxUdpWithoutEdns = 512;

export class DnsServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly tcpClients = new Set<Socket>();
  private zone: ClusterZone | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  /** How many queries were answered, by outcome (for tests and metrics). */
  readonly counts = { answered: 0, forwarded: 0, failed: 0 };

  private readonly queries: Counter | undefined;
  private readonly latency: Histogram | undefined;

  constructor(private readonly opts: DnsServerOptions) {
    if (opts.registry) {
      // A server restarted in the same process (a retried bind) reuses its metrics.
      const r = opts.registry;
      this.queries = (r.getSingleMetric('skiff_dns_requests_total') as Counter | undefined) ?? new Counter({ name: 'skiff_dns_requests_total', help: 'DNS queries by how they were answered and their rcode.', labelNames: ['outcome', 'rcode'], registers: [r] });
      this.latency = (r.getSingleMetric('skiff_dns_request_duration_seconds') as Histogram | undefined) ?? new Histogram({ name: 'skiff_dns_request_duration_seconds', help: 'Time to answer a DNS query.', labelNames: ['outcome'], buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2], registers: [r] });
    }
  }

  get port(): number {
    const a = this.udp?.address();
    return a ? a.port : 0;
  }

  async start(): Promise<void> {
    await this.opts.source.waitForSync();
    this.unsubscribe = this.opts.source.onChange(() => { this.zone = undefined; });
    const udp = createSocket({ type: this.opts.host.includes(':') ? 'udp6' : 'udp4' });
    this.udp = udp;
    udp.on('message', (msg, rinfo) => {
      void this.handle(msg, 'udp').then((reply) => { if (reply) udp.send(reply, rinfo.port, rinfo.address); });
    });
    udp.on('error', (e) => this.opts.onError?.(e));
    await new Promise<void>((resolve, reject) => { udp.once('error', reject); udp.bind(this.opts.port, this.opts.host, () => { udp.off('error', reject); resolve(); }); });
    // TCP on the same port as UDP (so port 0 still gives one port for both).
    const tcp = createServer((sock) => this.serveTcp(sock));
    this.tcp = tcp;
    await new Promise<void>((resolve, reject) => { tcp.once('error', reject); tcp.listen(this.port, this.opts.host, () => { tcp.off('error', reject); resolve(); }); });
  }

  private serveTcp(sock: Socket): void {
    this.tcpClients.add(sock);
    sock.on('close', () => this.tcpClients.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // Messages are length-prefixed (RFC 1035 4.2.2); several may arrive together.
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void this.handle(msg, 'tcp').then((reply) => {
          if (!reply || sock.destroyed) return;
          const framed = Buffer.alloc(2 + reply.length);
          framed.writeUInt16BE(reply.length, 0);
          reply.copy(framed, 2);
          sock.write(framed);
        });
      }
    });
  }

  private currentZone(): ClusterZone {
    this.zone ??= new ClusterZone(this.opts.source.services(), this.opts.source.slices(), { ...(this.opts.zone ? { zone: this.opts.zone } : {}), ...(this.opts.ttl !== undefined ? { ttl: this.opts.ttl } : {}) });
    return this.zone;
  }

  /** One query in, one reply out (undefined: not a query worth answering). */
  async handle(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch (err: unknown) {
      this.counts.failed++;
      this.opts.onError?.(new Error('undecodable DNS query', { cause: err }));
      return undefined;
    }
    if (query.type !== 'query') return undefined;
    const q = query.questions?.[0];
    const zone = this.currentZone();
    if (!q || (query.questions?.length ?? 0) !== 1) return this.reply(query, 'FORMERR', emptyLookup(), transport);
    const started = process.hrtime.bigint();
    const observe = (outcome: string, rcode: string): void => {
      this.queries?.inc({ outcome, rcode });
      this.latency?.observe({ outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    if (zone.inZone(q.name)) {
      this.counts.answered++;
      const found = zone.lookup(q.name, q.type as RecordType | 'ANY');
      observe('cluster', found.rcode);
      return this.reply(query, 'answer', found, transport);
    }
    try {
      const upstreams = this.opts.upstreams ?? [];
      const answer = await forward(upstreams, msg);
      this.counts.forwarded++;
      observe('forwarded', 'upstream');
      return answer;
    } catch (err: unknown) {
      this.counts.failed++;
      this.opts.onError?.(err);
      observe('failed', 'SERVFAIL');
      return this.reply(query, 'SERVFAIL', emptyLookup(), transport);
    }
  }

  private reply(query: DecodedPacket, kind: 'answer' | 'FORMERR' | 'SERVFAIL', l: Lookup, transport: 'udp' | 'tcp'): Buffer {
    const rd = query.flags !== undefined ? query.flags & dnsPacket.RECURSION_DESIRED : 0;
    const rcode = rcodeBits[kind === 'answer' ? l.rcode : kind] ?? 2;
    const aa = kind === 'answer' ? dnsPacket.AUTHORITATIVE_ANSWER : 0;
    const edns = (query.additionals ?? []).find((a): a is Answer & { type: 'OPT'; udpPayloadSize: number } => a.type === 'OPT');
    const packet: Packet = {
      type: 'response', id: query.id ?? 0, flags: aa | rd | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: query.questions ?? [], answers: l.answers, authorities: l.authorities, additionals: l.additionals,
    };
    if (edns) packet.additionals = [...l.additionals, { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0 } as Answer];
    const encoded = dnsPacket.encode(packet);
    const limit = edns ? Math.max(maxUdpWithoutEdns, Math.min(edns.udpPayloadSize, 4096)) : maxUdpWithoutEdns;
    if (transport === 'udp' && encoded.length > limit) {
      // Too big for this datagram: say so (TC) and let the client retry over TCP.
      return dnsPacket.encode({ ...packet, flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: [] });
    }
    return encoded;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    for (const s of this.tcpClients) s.destroy();
    const udp = this.udp;
    const tcp = this.tcp;
    if (udp) await new Promise<void>((r) => udp.close(() => r()));
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }
}

function emptyLookup(): Lookup {
  return { rcode: 'NOERROR', answers: [], authorities: [], additionals: [] };
}
