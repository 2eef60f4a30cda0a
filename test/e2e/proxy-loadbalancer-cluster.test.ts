/**
 * LoadBalancer on a real joined cluster: `skiff server` (servicelb controller) and two
 * `skiff agent` processes (service proxy on, in their own network namespaces). A Deployment
 * behind a LoadBalancer Service gets both nodes' InternalIPs as EXTERNAL-IP in the real
 * kubectl, and a client in the server's namespace reaches it at NODE_IP:PORT on each node,
 * also on the node without the pod: pods have no default route, so the proxy SNATs such
 * traffic to the node's pod-network address (src/proxy/pod-gateway.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinCluster, nodeIp } from './cluster-join-fixture.js';

let cluster: JoinCluster;

before(async () => {
  cluster = await JoinCluster.create();
  await cluster.startAgent(0, 'node-a');
  await cluster.startAgent(1, 'node-b');
});
after(async () => { await cluster?.dispose(); });

test('a LoadBalancer Service answers on every node\'s InternalIP', { timeout: 180_000 }, async () => {
  const web = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } },
    spec: { nodeName: 'node-b', terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'mkdir -p /www && echo hello-lb > /www/index.html && exec httpd -f -p 8080 -h /www'], ports: [{ containerPort: 8080 }] }] },
  };
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 8088, targetPort: 8080 }] } };
  for (const obj of [web, svc]) {
    const applied = await cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(obj) });
    assert.equal(applied.code, 0, applied.stderr);
  }
  const line = await cluster.waitFor('EXTERNAL-IP on both nodes', async () => {
    const r = await cluster.kubectl(['get', 'svc', 'web', '--no-headers']);
    return r.stdout.includes(`${nodeIp(0)},${nodeIp(1)}`) ? r.stdout.trim() : undefined;
  }, 60_000);
  assert.match(line, /^web\s+LoadBalancer\s+10\.43\.\d+\.\d+\s+192\.168\.81\.1,192\.168\.81\.2\s+8088:3\d{4}\/TCP/);
  for (let i = 0; i < 2; i++) {
    const body = await cluster.waitFor(`http://${nodeIp(i)}:8088/ from the server's namespace`, async () => {
      const r = await cluster.inNs(cluster.serverNs, ['busybox', 'wget', '-q', '-O', '-', `http://${nodeIp(i)}:8088/`], 5000);
      return r.code === 0 ? r.stdout.trim() : undefined;
    }, 60_000);
    assert.equal(body, 'hello-lb');
  }
});
