/**
 * The service proxy on two nodes: two node namespaces joined by a test bridge (host-gw
 * routes between their pod CIDRs), a proxy per node, backends on both. A ClusterIP spreads
 * across nodes, a NodePort answers on every node, and externalTrafficPolicy Local keeps a
 * NodePort to the node's own endpoints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProxy, StaticSource, type EndpointSliceObject, type ServiceObject } from '../../src/proxy/index.js';
import { TestCluster } from '../../src/proxy/testing/index.js';

const pods = [
  { name: 'a1', node: 0, ip: '10.42.0.11' },
  { name: 'b1', node: 1, ip: '10.42.1.11' },
  { name: 'c0', node: 0, ip: '10.42.0.50' },
];

const services: ServiceObject[] = [
  { metadata: { namespace: 'default', name: 'web' }, spec: { type: 'NodePort', clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80, nodePort: 30080 }] } },
  { metadata: { namespace: 'default', name: 'local' }, spec: { type: 'NodePort', clusterIP: '10.43.0.21', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30081 }] } },
];
const endpoints = [{ addresses: ['10.42.0.11'], conditions: { ready: true }, nodeName: 'node-0' }, { addresses: ['10.42.1.11'], conditions: { ready: true }, nodeName: 'node-1' }];
const slices: EndpointSliceObject[] = ['web', 'local'].map((svc) => ({
  metadata: { namespace: 'default', name: `${svc}-x`, labels: { 'kubernetes.io/service-name': svc } },
  addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints,
}));

test('two nodes: ClusterIP across nodes, NodePort on every node, externalTrafficPolicy Local', async (t) => {
  const cluster = await TestCluster.create(2, pods);
  const www = mkdtempSync(join(tmpdir(), 'skiff-proxy-multinode-'));
  const proxies: ServiceProxy[] = [];
  t.after(async () => {
    for (const p of proxies) await p.stop();
    await cluster.dispose();
    rmSync(www, { recursive: true, force: true });
  });
  for (const name of ['a1', 'b1']) {
    mkdirSync(join(www, name));
    writeFileSync(join(www, name, 'index.html'), `${name}\n`);
    cluster.spawnIn(cluster.podNs(name), ['busybox', 'httpd', '-f', '-p', '8080', '-h', join(www, name)]);
  }
  const errors: unknown[] = [];
  const source = new StaticSource(services, slices);
  for (let i = 0; i < 2; i++) {
    const p = new ServiceProxy({ source, nodeName: `node-${i}`, clusterCIDR: '10.42.0.0/16', target: { netns: cluster.nodes[i] ?? '' }, onError: (e) => errors.push(e) });
    proxies.push(p);
    await p.start();
  }

  const get = async (ns: string, url: string): Promise<string> => {
    const r = await cluster.run(ns, ['busybox', 'wget', '-q', '-O', '-', url], 3000);
    assert.equal(r.code, 0, `GET ${url} from ${ns}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const spread = async (ns: string, url: string, n: number): Promise<string[]> => {
    // The backends may need a moment to listen.
    const deadline = Date.now() + 5000;
    for (;;) {
      const r = await cluster.run(ns, ['busybox', 'wget', '-q', '-O', '-', url], 3000);
      if (r.code === 0 || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) seen.add(await get(ns, url));
    return [...seen].sort();
  };

  assert.deepEqual(await spread(cluster.podNs('c0'), 'http://10.43.0.20/', 20), ['a1', 'b1'], 'pod on node 0 reaches backends on both nodes');
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(await spread(cluster.outside, `http://${cluster.nodeIp(i)}:30080/`, 20), ['a1', 'b1'], `NodePort on node ${i}`);
  }
  assert.deepEqual(await spread(cluster.outside, `http://${cluster.nodeIp(0)}:30081/`, 12), ['a1'], 'Local policy on node 0');
  assert.deepEqual(await spread(cluster.outside, `http://${cluster.nodeIp(1)}:30081/`, 12), ['b1'], 'Local policy on node 1');
  assert.deepEqual(errors, []);
});
