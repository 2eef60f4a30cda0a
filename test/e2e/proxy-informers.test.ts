/**
 * The proxy and DNS fed by the real API: `skiff server` with simulated nodes runs pods and
 * the EndpointSlice controller; the proxy watches through informers and programs nftables
 * in a namespace of this test's; the DNS server (on loopback) answers from the same watch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { startServer } from './helpers/server.js';
import { connect, coreResources, ResourceClient } from '../../src/client/typed/index.js';
import { SharedInformerFactory } from '../../src/client/informers/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { ServiceProxy, informerSource, listTable, servicesGvr, type ServiceObject } from '../../src/proxy/index.js';
import { TestNode } from '../../src/proxy/testing/index.js';
import { DnsServer, startNodeServices, clusterDnsIP } from '../../src/dns/index.js';

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err: unknown) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function queryA(port: number, name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); reject(new Error('no DNS answer')); }, 2000);
    s.on('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve((dnsPacket.decode(m).answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : [])));
    });
    s.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name }] }), port, '127.0.0.1');
  });
}

test('Service + ready pods through the API become nft rules and DNS answers, and follow changes', async (t) => {
  const server = await startServer({ extraArgs: ['--simulate-nodes', '2'] });
  const node = await TestNode.create({ pods: [] });
  const rest = connect(server.kubeconfigPath, 'proxy-e2e');
  const factory = new SharedInformerFactory(rest);
  const source = informerSource(factory);
  const latencies: number[] = [];
  const proxy = new ServiceProxy({ source, nodeName: 'none', clusterCIDR: '10.42.0.0/16', target: { netns: node.node }, minSyncIntervalMs: 50, onSynced: (s) => latencies.push(s.latencyMs) });
  const dns = new DnsServer({ source, host: '127.0.0.1', port: 0, upstreams: [] });
  t.after(async () => {
    await dns.stop();
    await proxy.stop();
    await factory.stop();
    rest.close();
    await node.dispose();
    await server.stop();
  });
  factory.start();
  await proxy.start();
  await dns.start();

  const pods = new ResourceClient<KubeObject>(rest, coreResources.pods);
  const services = new ResourceClient<ServiceObject>(rest, servicesGvr);
  for (const name of ['web-a', 'web-b']) {
    await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }] } });
  }
  await services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
  const svc = await services.get('default', 'web');
  const clusterIP = svc.spec?.clusterIP ?? '';
  assert.match(clusterIP, /^10\.43\./);

  const podIPs = await eventually('both pods running with IPs', async () => {
    const list = await pods.list('default');
    const ips = list.items.map((p) => (p['status'] as { podIP?: string } | undefined)?.podIP).filter((ip): ip is string => typeof ip === 'string' && ip !== '');
    return ips.length === 2 ? ips : undefined;
  });
  const table = await eventually('rules for both pods', async () => {
    const text = await listTable({ netns: node.node }, 'skiff');
    return podIPs.every((ip) => text.includes(`dnat to ${ip}:8080`)) && text.includes(`${clusterIP} . tcp . 80`) ? text : undefined;
  });
  const nodePort = (svc.spec?.ports?.[0] as { nodePort?: number } | undefined)?.nodePort;
  assert.ok(nodePort !== undefined && table.includes(`tcp . ${nodePort} : goto external-`), 'NodePort programmed');
  assert.deepEqual(await eventually('DNS answer', async () => { const a = await queryA(dns.port, 'web.default.svc.cluster.local'); return a.length > 0 ? a : undefined; }), [clusterIP]);

  await pods.delete('default', 'web-a', { gracePeriodSeconds: 0 });
  await eventually('one endpoint left', async () => {
    const text = await listTable({ netns: node.node }, 'skiff');
    return (text.match(/dnat to /g) ?? []).length === 1 ? text : undefined;
  });
  await services.delete('default', 'web');
  await eventually('service rules and DNS gone', async () => {
    const text = await listTable({ netns: node.node }, 'skiff');
    const answer = await queryA(dns.port, 'web.default.svc.cluster.local');
    return !text.includes(clusterIP) && answer.length === 0 ? true : undefined;
  });
  assert.ok(latencies.length >= 3 && latencies.every((l) => l >= 0 && l < 5000), `programming latencies ${latencies.join(',')}`);
});

test('node services: proxy and DNS started as the agent starts them publish kube-dns at 10.43.0.10', async (t) => {
  const server = await startServer();
  const node = await TestNode.create({ pods: [] });
  const rest = connect(server.kubeconfigPath, 'node-services-e2e');
  const errors: unknown[] = [];
  const services = await startNodeServices({ rest, nodeName: 'node-a', netns: node.node, dnsAddress: '127.0.0.1', dnsPort: 0, upstreams: [], retryMs: 200, onError: (e) => errors.push(e) });
  t.after(async () => {
    await services.stop({ removeRules: true });
    rest.close();
    await node.dispose();
    await server.stop();
  });
  const dns = services.dns();
  assert.ok(dns, `DNS serving: ${errors.map(String).join('; ')}`);
  const svc = await eventually('the kube-dns Service', () => new ResourceClient<ServiceObject>(rest, servicesGvr).get('kube-system', 'kube-dns'));
  assert.equal(svc.spec?.clusterIP, clusterDnsIP);
  await eventually('kube-dns programmed to this node\'s DNS server', async () => {
    const text = await listTable({ netns: node.node }, 'skiff');
    return text.includes('10.43.0.10 . udp . 53 : goto') && text.includes(`udp dnat to 127.0.0.1:${dns.port}`) ? true : undefined;
  });
  assert.deepEqual(await eventually('kube-dns in DNS', async () => { const a = await queryA(dns.port, 'kube-dns.kube-system.svc.cluster.local'); return a.length > 0 ? a : undefined; }), [clusterDnsIP]);
});
