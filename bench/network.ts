/**
 * npm run bench:network — service networking on one throwaway node (network namespaces with
 * no route off the machine):
 *   1. network programming latency: 1000 Services x 10 endpoints, then single endpoint
 *      changes; time from the change to the nft transaction being applied (p50/p99), and the
 *      full-table sync time;
 *   2. DNS: time from a change to the DNS server answering the new address;
 *   3. throughput through a ClusterIP against the pod IP directly, as a ratio in one run
 *      (HTTP requests from a client pod to a backend pod, both plain Node servers/clients).
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import dnsPacket from 'dns-packet';
import { percentile, round } from './_lib.js';
import { ServiceProxy, StaticSource, type EndpointSliceObject, type ServiceObject } from '../src/proxy/index.js';
import { TestNode } from '../src/proxy/testing/index.js';
import { DnsServer } from '../src/dns/index.js';

const services = Number(process.env['BENCH_SERVICES'] ?? 1000);
const perService = Number(process.env['BENCH_ENDPOINTS'] ?? 10);
const changes = Number(process.env['BENCH_CHANGES'] ?? 30);

function world(version: number): { svcs: ServiceObject[]; slices: EndpointSliceObject[] } {
  const svcs: ServiceObject[] = [];
  const slices: EndpointSliceObject[] = [];
  for (let i = 0; i < services; i++) {
    const name = `svc-${i}`;
    svcs.push({ metadata: { namespace: 'bench', name }, spec: { clusterIP: `10.43.${100 + Math.floor(i / 250)}.${i % 250}`, ports: [{ name: 'http', port: 80 }] } });
    const endpoints = Array.from({ length: perService }, (_, j) => {
      // Service 0's first endpoint moves with each version: that is the change being timed.
      const n = i === 0 && j === 0 ? version : i * perService + j;
      return { addresses: [`10.44.${Math.floor(n / 250) % 250}.${n % 250}`], conditions: { ready: true } };
    });
    slices.push({ metadata: { namespace: 'bench', name: `${name}-x`, labels: { 'kubernetes.io/service-name': name } }, addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints });
  }
  return { svcs, slices };
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

async function throughput(node: TestNode, url: string, ms: number, mode: 'keepalive' | 'new-connections'): Promise<number> {
  const r = await node.run(node.podNs('client'), [process.execPath, '--input-type=module', '-e', clientScript, url, String(ms), mode], ms + 10_000);
  if (r.code !== 0) throw new Error(`client failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

async function main(): Promise<void> {
  const node = await TestNode.create({ pods: [{ name: 'backend', ip: '10.42.0.11' }, { name: 'client', ip: '10.42.0.50' }] });
  const source = new StaticSource();
  const latencies: number[] = [];
  const durations: number[] = [];
  const proxy = new ServiceProxy({ source, nodeName: 'bench', clusterCIDR: '10.42.0.0/16', target: { netns: node.node }, minSyncIntervalMs: 0, onSynced: (s) => { latencies.push(s.latencyMs); durations.push(s.durationMs); } });
  const dns = new DnsServer({ source, host: '127.0.0.1', port: 0, upstreams: [] });
  try {
    let w = world(0);
    const backendSvc: ServiceObject = { metadata: { namespace: 'bench', name: 'backend' }, spec: { clusterIP: '10.43.0.30', ports: [{ name: 'http', port: 80 }] } };
    // A headless service whose one endpoint moves with each change: what DNS latency is timed on.
    const probeSvc: ServiceObject = { metadata: { namespace: 'bench', name: 'probe' }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] } };
    const probeSlice = (v: number): EndpointSliceObject => ({ metadata: { namespace: 'bench', name: 'probe-x', labels: { 'kubernetes.io/service-name': 'probe' } }, addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: [`10.45.${Math.floor(v / 250)}.${v % 250}`], conditions: { ready: true } }] });
    const backendSlice: EndpointSliceObject = { metadata: { namespace: 'bench', name: 'backend-x', labels: { 'kubernetes.io/service-name': 'backend' } }, addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.42.0.11'], conditions: { ready: true } }] };
    source.set([...w.svcs, backendSvc, probeSvc], [...w.slices, backendSlice, probeSlice(0)]);
    const fullStart = Date.now();
    await proxy.start();
    const fullMs = Date.now() - fullStart;
    await dns.start();
    latencies.length = 0;
    durations.length = 0;
    const dnsLatencies: number[] = [];
    for (let v = 1; v <= changes; v++) {
      w = world(services * perService + v);
      const changedAt = Date.now();
      source.set([...w.svcs, backendSvc, probeSvc], [...w.slices, backendSlice, probeSlice(v)]);
      const want = `10.45.${Math.floor(v / 250)}.${v % 250}`;
      while (!(await queryA(dns.port, 'probe.bench.svc.cluster.local')).includes(want)) await new Promise((r) => setTimeout(r, 1));
      dnsLatencies.push(Date.now() - changedAt);
      await proxy.flush();
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const dsorted = [...dnsLatencies].sort((a, b) => a - b);

    const backend = node.spawnIn(node.podNs('backend'), [process.execPath, '--input-type=module', '-e', backendScript]);
    await once(backend.stdout ?? backend, 'data');
    const ms = Number(process.env['BENCH_THROUGHPUT_MS'] ?? 3000);
    // Interleaved direct / service / direct rounds, so drift on a busy machine hits both.
    const measure = async (mode: 'keepalive' | 'new-connections'): Promise<{ directPodIP: number; clusterIP: number; ratio: number }> => {
      const direct = await throughput(node, 'http://10.42.0.11:8080/', ms, mode);
      const viaService = await throughput(node, 'http://10.43.0.30/', ms, mode);
      const direct2 = await throughput(node, 'http://10.42.0.11:8080/', ms, mode);
      const baseline = (direct + direct2) / 2;
      return { directPodIP: round(baseline, 0), clusterIP: round(viaService, 0), ratio: round(viaService / baseline, 3) };
    };
    const keepAlive = await measure('keepalive');
    const newConnections = await measure('new-connections');

    const report = {
      services, endpointsPerService: perService, rulesFullSyncMs: fullMs,
      programmingLatencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] },
      syncDurationMs: { p50: percentile([...durations].sort((a, b) => a - b), 50) },
      dnsAfterChangeMs: { p50: percentile(dsorted, 50), p99: percentile(dsorted, 99) },
      throughputReqPerS: { keepAlive, newConnections },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await dns.stop();
    await proxy.stop();
    await node.dispose();
  }
}

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); process.exit(1); });
