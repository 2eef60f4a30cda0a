/**
 * The service proxy against real nftables, inside network namespaces this test makes (no
 * route off the machine): backends are busybox httpd in pod namespaces on the node's bridge;
 * clients are a pod on the same bridge and an "outside" namespace reaching a NodePort.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProxy, StaticSource, listTable, type ServiceObject, type EndpointSliceObject } from '../../src/proxy/index.js';
import { TestNode, waitForHttp, httpGet } from '../../src/proxy/testing/index.js';

const backends = [
  { name: 'b1', ip: '10.42.0.11' },
  { name: 'b2', ip: '10.42.0.12' },
  { name: 'b3', ip: '10.42.0.13' },
];

function svc(name: string, spec: NonNullable<ServiceObject['spec']>): ServiceObject {
  return { metadata: { namespace: 'default', name }, spec };
}
function slice(name: string, port: number, eps: Array<{ ip: string; ready: boolean }>): EndpointSliceObject {
  return {
    metadata: { namespace: 'default', name: `${name}-x`, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4', ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints: eps.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready }, nodeName: 'node-a' })),
  };
}

const services = [
  svc('web', { type: 'NodePort', clusterIP: '10.43.0.20', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] }),
  svc('sticky', { clusterIP: '10.43.0.21', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ name: 'http', port: 80 }] }),
  svc('empty', { type: 'NodePort', clusterIP: '10.43.0.22', ports: [{ name: 'http', port: 80, nodePort: 30082 }] }),
];
const allThree = [{ ip: '10.42.0.11', ready: true }, { ip: '10.42.0.12', ready: true }, { ip: '10.42.0.13', ready: false }];

async function spread(t: TestNode, ns: string, url: string, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = await httpGet(t, ns, url);
    assert.ok(r.ok, `GET ${url} from ${ns}: ${r.error}`);
    counts.set(r.body, (counts.get(r.body) ?? 0) + 1);
  }
  return counts;
}

test('ClusterIP and NodePort through nftables: balanced over ready endpoints, affinity, reject, updates', async (t) => {
  const node = await TestNode.create({ pods: [...backends, { name: 'client', ip: '10.42.0.50' }] });
  const www = mkdtempSync(join(tmpdir(), 'skiff-proxy-e2e-'));
  let proxy: ServiceProxy | undefined;
  t.after(async () => {
    await proxy?.stop();
    await node.dispose();
    rmSync(www, { recursive: true, force: true });
  });

  for (const b of backends) {
    const dir = join(www, b.name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.html'), `${b.name}\n`);
    node.spawnIn(node.podNs(b.name), ['busybox', 'httpd', '-f', '-p', '8080', '-h', dir]);
  }
  // Something listens on the empty service's NodePort and the service CIDR is routed onto the
  // bridge, so only the proxy's reject rules can make those connections fail at once.
  mkdirSync(join(www, 'node'));
  node.spawnIn(node.node, ['busybox', 'httpd', '-f', '-p', '30082', '-h', join(www, 'node')]);
  assert.equal((await node.run(node.node, ['ip', 'route', 'add', '10.43.0.0/16', 'dev', 'br0'])).code, 0);
  for (const b of backends) await waitForHttp(node, node.podNs('client'), `http://${b.ip}:8080/`);

  const source = new StaticSource(services, [slice('web', 8080, allThree), slice('sticky', 8080, allThree), slice('empty', 8080, [{ ip: '10.42.0.13', ready: false }])]);
  const latencies: number[] = [];
  const errors: unknown[] = [];
  proxy = new ServiceProxy({
    source, nodeName: 'node-a', clusterCIDR: '10.42.0.0/16', target: { netns: node.node }, minSyncIntervalMs: 20,
    onSynced: (s) => latencies.push(s.latencyMs), onError: (err) => errors.push(err),
  });
  await proxy.start();
  assert.match(await listTable({ netns: node.node }, 'skiff'), /10\.43\.0\.20 \. tcp \. 80 : goto service-/);

  const client = node.podNs('client');
  const viaClusterIp = await spread(node, client, 'http://10.43.0.20/', 24);
  assert.deepEqual([...viaClusterIp.keys()].sort(), ['b1', 'b2'], `pod -> ClusterIP reached ${JSON.stringify([...viaClusterIp])}`);

  const viaNodePort = await spread(node, node.outside, `http://${node.nodeOutsideIp}:30080/`, 24);
  assert.deepEqual([...viaNodePort.keys()].sort(), ['b1', 'b2'], `outside -> NodePort reached ${JSON.stringify([...viaNodePort])}`);
  const viaClusterIpOutside = await spread(node, node.outside, 'http://10.43.0.20/', 8);
  assert.ok(!viaClusterIpOutside.has('b3'));

  // Hairpin: a backend reaching its own service (the CNI bridge sets hairpin mode on ports);
  // when it lands on itself, only the masquerade of the endpoint chain makes the reply return.
  assert.equal((await node.run(node.node, ['ip', 'link', 'set', 'vp0', 'type', 'bridge_slave', 'hairpin', 'on'])).code, 0);
  const fromB1 = await spread(node, node.podNs('b1'), 'http://10.43.0.20/', 16);
  assert.ok(fromB1.has('b1') && fromB1.has('b2'), `b1 -> its own ClusterIP reached ${JSON.stringify([...fromB1])}`);

  // A burst of changes collapses into few transactions (bounded sync frequency).
  const burstStart = latencies.length;
  for (let i = 0; i < 30; i++) source.set(services, [slice('web', 8080, allThree), slice('sticky', 8080, allThree), slice('empty', 8080, [{ ip: '10.42.0.13', ready: false }])]);
  await proxy.flush();
  assert.ok(latencies.length - burstStart <= 2, `30 changes took ${latencies.length - burstStart} syncs`);

  const sticky = await spread(node, client, 'http://10.43.0.21/', 10);
  assert.equal(sticky.size, 1, `ClientIP affinity kept one endpoint: ${JSON.stringify([...sticky])}`);

  const refused = await httpGet(node, client, 'http://10.43.0.22/');
  assert.equal(refused.ok, false);
  assert.match(refused.error, /refused/i, 'the ClusterIP without endpoints meets reject-chain');
  assert.ok(refused.ms < 1500, `rejected at once, took ${refused.ms} ms`);
  const refusedNodePort = await httpGet(node, node.outside, `http://${node.nodeOutsideIp}:30082/`);
  assert.match(refusedNodePort.error, /refused/i, 'the NodePort without endpoints meets reject-chain');

  // b1 goes unready and b3 becomes ready: only b2 and b3 serve after one update.
  const changed = [{ ip: '10.42.0.11', ready: false }, { ip: '10.42.0.12', ready: true }, { ip: '10.42.0.13', ready: true }];
  const before = latencies.length;
  source.set(services, [slice('web', 8080, changed), slice('sticky', 8080, allThree), slice('empty', 8080, [])]);
  await proxy.flush();
  assert.ok(latencies.length > before);
  const after = await spread(node, client, 'http://10.43.0.20/', 24);
  assert.deepEqual([...after.keys()].sort(), ['b2', 'b3'], `after the update ${JSON.stringify([...after])}`);
  // The affinity entry survived the update (sets are kept across syncs).
  const again = await spread(node, client, 'http://10.43.0.21/', 3);
  assert.deepEqual([...again.keys()], [...sticky.keys()]);

  assert.deepEqual(errors, [], 'no sync failed');
  await proxy.stop({ removeRules: true });
  proxy = undefined;
  const gone = await node.run(node.node, ['nft', 'list', 'table', 'ip', 'skiff']);
  assert.notEqual(gone.code, 0, 'stop({ removeRules }) deletes the table');
});
