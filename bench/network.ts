/**
 * npm run bench:network — service networking on a throwaway multi-node network (network
 * namespaces joined by a test bridge, no route off the machine; src/proxy/testing), fed by a
 * real `skiff server`:
 *   1. network programming latency: 1000 Services x 10 endpoints are created through the API;
 *      then endpoint changes (a PATCH of one EndpointSlice) and Service creations, each timed
 *      from the API request to the nftables transaction that covers it being applied on EVERY
 *      node (each node runs its own service proxy over its own watches, as agents do);
 *   2. DNS: time from an endpoint change of a headless Service (API request) to the cluster
 *      DNS server answering the new address;
 *   3. request throughput from a pod on one node to a pod on another, through the ClusterIP
 *      against the pod IP directly, in interleaved rounds of one run; the ratio is the median
 *      of the per-round ratios (goal at least 0.9), for keep-alive and new connections.
 * Knobs: BENCH_NODES (3), BENCH_SERVICES (1000), BENCH_ENDPOINTS (10), BENCH_CHANGES (30),
 * BENCH_THROUGHPUT_MS (2000 per round), BENCH_ROUNDS (5).
 * The last line is one JSON object of figures with units in the names.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { median, percentile, round, startSkiffServer } from './_lib.js';
import { connect, ResourceClient, type GroupVersionResource } from '../src/client/typed/index.js';
import type { RestClient } from '../src/client/rest.js';
import { SharedInformerFactory } from '../src/client/informers/index.js';
import { ServiceProxy, informerSource, servicesGvr, endpointSlicesGvr, type EndpointSliceObject, type ServiceObject } from '../src/proxy/index.js';
import { TestCluster } from '../src/proxy/testing/index.js';
import { DnsServer } from '../src/dns/index.js';
import type { KubeObject } from '../src/api/types.js';

const nodeCount = Number(process.env['BENCH_NODES'] ?? 3);
const services = Number(process.env['BENCH_SERVICES'] ?? 1000);
const perService = Number(process.env['BENCH_ENDPOINTS'] ?? 10);
const changes = Number(process.env['BENCH_CHANGES'] ?? 30);
const roundMs = Number(process.env['BENCH_THROUGHPUT_MS'] ?? 2000);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ns = 'default';

const servicesRes: GroupVersionResource = { group: '', version: 'v1', resource: 'services', namespaced: true };
const slicesRes: GroupVersionResource = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };

const endpointIp = (n: number): string => `10.44.${Math.floor(n / 250) % 250}.${n % 250}`;
const service = (name: string, headless = false): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns },
  spec: { ...(headless ? { clusterIP: 'None' } : {}), ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
});
const slice = (svc: string, ips: readonly string[], nodeName?: string): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
  metadata: { name: `${svc}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': svc } },
  addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, ...(nodeName ? { nodeName } : {}) })),
});

async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < items.length) await fn(items[next++] as T); }));
}

/** A node's service proxy with its own watches, and when it saw and applied what. */
class NodeProxy {
  private readonly factory: SharedInformerFactory;
  readonly proxy: ServiceProxy;
  private readonly seen = new Map<string, number>();
  private readonly waiters: Array<{ keys: readonly string[]; resolve: (appliedAt: number) => void }> = [];

  constructor(readonly rest: RestClient, nodeName: string, netns: string, onError: (e: unknown) => void) {
    this.factory = new SharedInformerFactory(rest);
    const source = informerSource(this.factory);
    // Marks are keyed "<kind>/<name>@<marker>": the marker is what the change put in.
    this.factory.forResource<EndpointSliceObject & KubeObject>(endpointSlicesGvr).addEventHandler({
      onAdd: (obj) => this.markSlice(obj),
      onUpdate: (_o, obj) => this.markSlice(obj),
    });
    this.factory.forResource<ServiceObject & KubeObject>(servicesGvr).addEventHandler({ onAdd: (obj) => this.mark(`service/${obj.metadata?.name ?? ''}`) });
    this.proxy = new ServiceProxy({
      source, nodeName, clusterCIDR: '10.42.0.0/16', target: { netns }, minSyncIntervalMs: 0, onError,
      onSynced: ({ durationMs }) => this.applied(Date.now(), durationMs),
    });
  }

  private mark(key: string): void { if (!this.seen.has(key)) this.seen.set(key, Date.now()); }
  private markSlice(obj: EndpointSliceObject & KubeObject): void {
    for (const e of obj.endpoints ?? []) for (const a of e.addresses ?? []) this.mark(`slice/${obj.metadata?.name ?? ''}@${a}`);
  }

  /** A sync that began after the change was seen covers it. */
  private applied(end: number, durationMs: number): void {
    const began = end - durationMs;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      const seenAt = w.keys.map((k) => this.seen.get(k));
      if (seenAt.every((t) => t !== undefined && began >= t)) {
        this.waiters.splice(i, 1);
        w.resolve(end);
      }
    }
  }

  /** When the first sync that began after every key was seen has been applied. */
  appliedAfter(...keys: string[]): Promise<number> {
    return new Promise((resolve) => this.waiters.push({ keys, resolve }));
  }

  async start(): Promise<void> {
    this.factory.start();
    await this.proxy.start();
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await this.factory.stop();
    this.rest.close();
  }
}

function queryA(port: number, name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); reject(new Error('no DNS answer')); }, 2000);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve((dnsPacket.decode(m).answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : []))); });
    s.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name }] }), port, '127.0.0.1');
  });
}

const backendScript = `
import { createServer } from 'node:http';
createServer((req, res) => res.end('ok')).listen(8080, '0.0.0.0', () => process.stdout.write('listening\\n'));`;
const clientScript = `
import { request, Agent } from 'node:http';
const [url, ms] = [process.argv[1], Number(process.argv[2])];
const agent = new Agent({ keepAlive: process.argv[3] === 'keepalive', maxSockets: 8 });
let done = 0; const end = Date.now() + ms;
const one = () => new Promise((res, rej) => { const r = request(url, { agent }, (m) => { m.resume(); m.on('end', res); }); r.on('error', rej); r.end(); });
await Promise.all(Array.from({ length: 8 }, async () => { while (Date.now() < end) { await one(); done++; } }));
process.stdout.write(String(done / (ms / 1000)) + '\\n');`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-network-'));
  const server = await startSkiffServer(dataDir);
  const cluster = await TestCluster.create(nodeCount, [{ name: 'backend', node: 0, ip: '10.42.0.11' }, { name: 'client', node: 1 % nodeCount, ip: `10.42.${1 % nodeCount}.50` }]);
  const errors: unknown[] = [];
  const nodes: NodeProxy[] = [];
  const dnsFactory = new SharedInformerFactory(connect(server.kubeconfigPath, 'bench-dns'));
  const dns = new DnsServer({ source: informerSource(dnsFactory), host: '127.0.0.1', port: 0, upstreams: [] });
  const admin = connect(server.kubeconfigPath, 'bench-network');
  try {
    const svcClient = new ResourceClient(admin, servicesRes);
    const sliceClient = new ResourceClient(admin, slicesRes);
    const names = Array.from({ length: services }, (_, i) => `svc-${i}`);
    const createdAt = Date.now();
    await inParallel(names, 32, async (name) => {
      const i = Number(name.slice(4));
      await svcClient.create(ns, service(name));
      await sliceClient.create(ns, slice(name, Array.from({ length: perService }, (_, j) => endpointIp(i * perService + j))));
    });
    const createMs = Date.now() - createdAt;
    await svcClient.create(ns, service('probe', true));
    await sliceClient.create(ns, slice('probe', ['10.45.0.0']));

    // Every node's proxy starts on the full set: the first transaction's time is the full sync.
    const fullStart = Date.now();
    for (let i = 0; i < nodeCount; i++) {
      const node = new NodeProxy(connect(server.kubeconfigPath, `bench-node-${i}`), `node-${i}`, cluster.nodes[i] ?? '', (e) => errors.push(e));
      nodes.push(node);
    }
    await Promise.all(nodes.map((n) => n.start()));
    const fullSyncMs = Date.now() - fullStart;
    dnsFactory.start();
    await dns.start();

    const endpointLatencies: number[] = [];
    const serviceLatencies: number[] = [];
    const dnsLatencies: number[] = [];
    for (let v = 1; v <= changes; v++) {
      // An endpoint of svc-0 moves.
      const ip = endpointIp(services * perService + v);
      const key = `slice/svc-0-x@${ip}`;
      const allApplied = Promise.all(nodes.map((n) => n.appliedAfter(key)));
      const t0 = Date.now();
      await sliceClient.patch(ns, 'svc-0-x', 'merge', { endpoints: [{ addresses: [ip], conditions: { ready: true } }, ...Array.from({ length: perService - 1 }, (_, j) => ({ addresses: [endpointIp(j + 1)], conditions: { ready: true } }))] });
      endpointLatencies.push(Math.max(...await allApplied) - t0);

      // A new Service with its endpoints.
      const name = `new-${v}`;
      const created = Promise.all(nodes.map((n) => n.appliedAfter(`service/${name}`, `slice/${name}-x@${endpointIp(v)}`)));
      const t1 = Date.now();
      await svcClient.create(ns, service(name));
      await sliceClient.create(ns, slice(name, [endpointIp(v)]));
      serviceLatencies.push(Math.max(...await created) - t1);

      // The headless probe's one endpoint moves: DNS answers the new address.
      const want = `10.45.${Math.floor(v / 250)}.${v % 250}`;
      const t2 = Date.now();
      await sliceClient.patch(ns, 'probe-x', 'merge', { endpoints: [{ addresses: [want], conditions: { ready: true } }] });
      while (!(await queryA(dns.port, `probe.${ns}.svc.cluster.local`)).includes(want)) await new Promise((r) => setTimeout(r, 1));
      dnsLatencies.push(Date.now() - t2);
    }
    const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

    // Throughput: client pod (node 1) -> backend pod (node 0), direct and through a ClusterIP.
    const backendSvc = await svcClient.create(ns, service('backend')) as { spec?: { clusterIP?: string } };
    const backendReady = Promise.all(nodes.map((n) => n.appliedAfter('service/backend', 'slice/backend-x@10.42.0.11')));
    await sliceClient.create(ns, slice('backend', ['10.42.0.11'], 'node-0'));
    await backendReady;
    const backend = cluster.spawnIn(cluster.podNs('backend'), [process.execPath, '--input-type=module', '-e', backendScript]);
    await once(backend.stdout ?? backend, 'data');
    const throughput = async (url: string, mode: string): Promise<number> => {
      const r = await cluster.run(cluster.podNs('client'), [process.execPath, '--input-type=module', '-e', clientScript, url, String(roundMs), mode], roundMs + 15_000);
      if (r.code !== 0) throw new Error(`client failed: ${r.stderr}`);
      return Number(r.stdout.trim());
    };
    const clusterIpUrl = `http://${backendSvc.spec?.clusterIP ?? ''}/`;
    const measure = async (mode: 'keepalive' | 'new-connections'): Promise<{ direct: number; viaService: number; ratio: number }> => {
      const direct: number[] = [];
      const via: number[] = [];
      const ratios: number[] = [];
      for (let r = 0; r < rounds; r++) {
        // Alternate which goes first, so drift on a busy machine hits both alike.
        let d: number;
        let s: number;
        if (r % 2 === 0) {
          d = await throughput('http://10.42.0.11:8080/', mode);
          s = await throughput(clusterIpUrl, mode);
        } else {
          s = await throughput(clusterIpUrl, mode);
          d = await throughput('http://10.42.0.11:8080/', mode);
        }
        direct.push(d);
        via.push(s);
        ratios.push(s / d);
      }
      return { direct: median(direct), viaService: median(via), ratio: median(ratios) };
    };
    const keepAlive = await measure('keepalive');
    const newConnections = await measure('new-connections');
    if (errors.length) process.stderr.write(`proxy errors: ${errors.map(String).join('; ')}\n`);

    const e = sorted(endpointLatencies);
    const s = sorted(serviceLatencies);
    const d = sorted(dnsLatencies);
    const report = {
      bench: 'network', nodes: nodeCount, services, endpoints_per_service: perService, changes,
      api_create_all_s: round(createMs / 1000, 1),
      full_sync_all_nodes_ms: fullSyncMs,
      endpoint_change_all_nodes_p50_ms: percentile(e, 50), endpoint_change_all_nodes_p99_ms: percentile(e, 99),
      service_create_all_nodes_p50_ms: percentile(s, 50), service_create_all_nodes_p99_ms: percentile(s, 99),
      dns_after_change_p50_ms: percentile(d, 50), dns_after_change_p99_ms: percentile(d, 99),
      keepalive_direct_req_per_s: round(keepAlive.direct, 0), keepalive_clusterip_req_per_s: round(keepAlive.viaService, 0), keepalive_ratio: round(keepAlive.ratio, 3),
      newconn_direct_req_per_s: round(newConnections.direct, 0), newconn_clusterip_req_per_s: round(newConnections.viaService, 0), newconn_ratio: round(newConnections.ratio, 3),
      proxy_errors: errors.length,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    for (const n of nodes) await n.stop().catch(() => undefined);
    await dns.stop().catch(() => undefined);
    await dnsFactory.stop().catch(() => undefined);
    admin.close();
    await cluster.dispose();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); process.exit(1); });
