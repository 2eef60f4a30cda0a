/**
 * LoadBalancer Services end to end: `skiff server` runs the servicelb controller, which gives
 * a LoadBalancer Service the InternalIPs of the Ready nodes as ingress (the real kubectl shows
 * them as EXTERNAL-IP instead of <pending>); a service proxy per node (network namespaces of
 * a TestCluster, joined by a test bridge, no route off the machine) programs those addresses,
 * and a client in another namespace reaches the backends through NODE_IP:PORT on each node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startServer } from './helpers/server.js';
import { connect, coreResources, ResourceClient } from '../../src/client/typed/index.js';
import { SharedInformerFactory } from '../../src/client/informers/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { ServiceProxy, endpointSlicesGvr, informerSource, listTable, servicesGvr, type ServiceObject } from '../../src/proxy/index.js';
import { TestCluster } from '../../src/proxy/testing/index.js';

const exec = promisify(execFile);

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

test('a LoadBalancer Service gets the nodes\' InternalIPs and answers on NODE_IP:PORT on every node', { timeout: 90_000 }, async (t) => {
  const pods = [{ name: 'a1', node: 0, ip: '10.42.0.11' }, { name: 'b1', node: 1, ip: '10.42.1.11' }];
  const server = await startServer();
  const cluster = await TestCluster.create(2, pods);
  const scratch = mkdtempSync(join(tmpdir(), 'skiff-proxy-lb-'));
  const rest = connect(server.kubeconfigPath, 'proxy-lb-e2e');
  const factory = new SharedInformerFactory(rest);
  const proxies: ServiceProxy[] = [];
  t.after(async () => {
    for (const p of proxies) await p.stop();
    await factory.stop();
    rest.close();
    await cluster.dispose();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  // Two Ready nodes whose InternalIPs are the test cluster's node addresses.
  const nodes = new ResourceClient<KubeObject>(rest, coreResources.nodes);
  for (let i = 0; i < 2; i++) {
    const name = `lb-node-${i}`;
    await nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
    await nodes.patch(undefined, name, 'merge', {
      status: {
        addresses: [{ type: 'InternalIP', address: cluster.nodeIp(i) }, { type: 'Hostname', address: name }],
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node', lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() }],
      },
    }, { subresource: 'status' });
  }
  for (const p of pods) {
    mkdirSync(join(scratch, p.name));
    writeFileSync(join(scratch, p.name, 'index.html'), `${p.name}\n`);
    cluster.spawnIn(cluster.podNs(p.name), ['busybox', 'httpd', '-f', '-p', '8080', '-h', join(scratch, p.name)]);
  }
  // A Service without a selector, its EndpointSlice written here (the pods are namespaces, not API pods).
  const services = new ResourceClient<ServiceObject>(rest, servicesGvr);
  await services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 8088, targetPort: 8080 }] } });
  await new ResourceClient<KubeObject>(rest, endpointSlicesGvr).create('default', {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'lb-1', labels: { 'kubernetes.io/service-name': 'lb' } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: pods.map((p) => ({ addresses: [p.ip], conditions: { ready: true }, nodeName: `lb-node-${p.node}` })),
  } as KubeObject);

  const errors: unknown[] = [];
  const source = informerSource(factory);
  for (let i = 0; i < 2; i++) {
    proxies.push(new ServiceProxy({ source, nodeName: `lb-node-${i}`, clusterCIDR: '10.42.0.0/16', target: { netns: cluster.nodes[i] ?? '' }, minSyncIntervalMs: 50, onError: (e) => errors.push(e) }));
  }
  factory.start();
  for (const p of proxies) await p.start();

  const expected = `${cluster.nodeIp(0)},${cluster.nodeIp(1)}`;
  const line = await eventually('EXTERNAL-IP in kubectl get svc', async () => {
    const { stdout } = await exec('kubectl', ['--kubeconfig', server.kubeconfigPath, '--cache-dir', join(scratch, 'kube-cache'), 'get', 'svc', 'lb', '--no-headers']);
    return stdout.includes(expected) ? stdout.trim() : undefined;
  });
  assert.match(line, new RegExp(`^lb\\s+LoadBalancer\\s+10\\.43\\.\\d+\\.\\d+\\s+${expected.replace(/\./g, '\\.')}\\s+8088:3\\d{4}/TCP`));

  const seen = new Set<string>();
  for (let i = 0; i < 2; i++) {
    const url = `http://${cluster.nodeIp(i)}:8088/`;
    const body = await eventually(`${url} from the outside namespace`, async () => {
      const r = await cluster.run(cluster.outside, ['busybox', 'wget', '-q', '-O', '-', url], 3000);
      return r.code === 0 ? r.stdout.trim() : undefined;
    });
    assert.ok(body === 'a1' || body === 'b1', `backend answered through ${url}: ${body}`);
    seen.add(body);
    for (let k = 0; k < 12; k++) {
      const r = await cluster.run(cluster.outside, ['busybox', 'wget', '-q', '-O', '-', url], 3000);
      assert.equal(r.code, 0, `GET ${url}: ${r.stderr}`);
      seen.add(r.stdout.trim());
    }
  }
  assert.deepEqual([...seen].sort(), ['a1', 'b1'], 'requests spread across the backends on both nodes');
  // Traffic masqueraded towards pods leaves with the node's pod-bridge address (pods may route only the cluster CIDR back).
  for (let i = 0; i < 2; i++) assert.match(await listTable({ netns: cluster.nodes[i] ?? '' }, 'skiff'), new RegExp(`ip daddr 10\\.42\\.0\\.0/16 snat to 10\\.42\\.${i}\\.1 fully-random`));

  // externalTrafficPolicy Local: only node 0 hosts an endpoint, so only node 0 is advertised.
  await services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-local' }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 8089, targetPort: 8080 }] } });
  await new ResourceClient<KubeObject>(rest, endpointSlicesGvr).create('default', {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'lb-local-1', labels: { 'kubernetes.io/service-name': 'lb-local' } },
    addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [{ addresses: ['10.42.0.11'], conditions: { ready: true }, nodeName: 'lb-node-0' }],
  } as KubeObject);
  await eventually('lb-local advertised on node 0 only', async () => {
    const svc = await services.get('default', 'lb-local');
    const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
    return ips.length === 1 && ips[0] === cluster.nodeIp(0) ? true : undefined;
  });
  const local = await eventually('lb-local answering on node 0', async () => {
    const r = await cluster.run(cluster.outside, ['busybox', 'wget', '-q', '-O', '-', `http://${cluster.nodeIp(0)}:8089/`], 3000);
    return r.code === 0 ? r.stdout.trim() : undefined;
  });
  assert.equal(local, 'a1');

  // A node that goes NotReady drops out of the ingress.
  await nodes.patch(undefined, 'lb-node-1', 'merge', { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Test', message: 'down', lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() }] } }, { subresource: 'status' });
  await eventually('ingress down to node 0', async () => {
    const svc = await services.get('default', 'lb');
    const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
    return ips.length === 1 && ips[0] === cluster.nodeIp(0) ? true : undefined;
  });
  assert.deepEqual(errors, []);
});
