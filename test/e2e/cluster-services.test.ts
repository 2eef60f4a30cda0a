/**
 * Issue 6's end-to-end proof, on a real multi-node cluster on one machine: `skiff server`
 * and two joined `skiff agent` processes, each in its own network namespace on a test bridge
 * with no route off the machine (cluster-join-fixture.ts). With the real kubectl:
 * - a Deployment of 3 behind a ClusterIP Service is reached by name through cluster DNS from
 *   a pod on the node with the fewest replicas, and the requests reach every replica;
 * - a pod the Service selects whose readiness probe fails receives none of them;
 * - a NodePort Service answers on every node's address, from outside the nodes;
 * - killing one node (its agent and its link) brings the Deployment back to 3 Running
 *   replicas on the other node within 60 s.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { JoinCluster, nodeIp } from './cluster-join-fixture.js';

const nodeNames = ['node-a', 'node-b'];
let cluster: JoinCluster;

before(async () => {
  cluster = await JoinCluster.create();
  for (const [i, name] of nodeNames.entries()) await cluster.startAgent(i, name);
});
after(async () => { await cluster?.dispose(); });

// Each web pod answers with its hostname (its pod name) on port 8080, named "http".
const serveHostname = 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www';
const webContainer = (readinessProbe: object): object => ({
  name: 'web', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', serveHostname],
  ports: [{ name: 'http', containerPort: 8080 }], readinessProbe,
});

const manifests = [
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: {
      replicas: 3, selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
          containers: [webContainer({ httpGet: { path: '/', port: 'http' }, periodSeconds: 1 })],
        },
      },
    },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-np' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
].map((doc) => stringify(doc)).join('---\n');

interface PodRow { name: string; node: string; ready: boolean; phase: string; deleting: boolean }

async function webPods(): Promise<PodRow[]> {
  const r = await cluster.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const items = (JSON.parse(r.stdout) as { items: Array<{ metadata: { name: string; deletionTimestamp?: string; ownerReferences?: unknown[] }; spec: { nodeName?: string }; status: { phase?: string; conditions?: Array<{ type: string; status: string }> } }> }).items;
  return items.filter((p) => p.metadata.ownerReferences !== undefined).map((p) => ({
    name: p.metadata.name, node: p.spec.nodeName ?? '', phase: p.status.phase ?? '', deleting: p.metadata.deletionTimestamp !== undefined,
    ready: (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  }));
}

async function podPhase(name: string): Promise<string> {
  return (await cluster.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout.trim();
}

let replicas: PodRow[] = [];

test('a Deployment behind a ClusterIP Service is reached by name from a pod on another node, across every replica, never the unready pod', async () => {
  const applied = await cluster.kubectl(['apply', '-f', '-'], { stdin: manifests });
  assert.equal(applied.code, 0, applied.stderr);
  replicas = await cluster.waitFor('3 ready web replicas', async () => {
    const pods = (await webPods()).filter((p) => p.ready && !p.deleting);
    return pods.length === 3 ? pods : undefined;
  }, 120_000);

  // A pod the Service selects, running the same server, that never passes readiness.
  const unready = JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-unready', labels: { app: 'web' } },
    spec: { nodeName: 'node-a', terminationGracePeriodSeconds: 1, containers: [webContainer({ exec: { command: ['cat', '/tmp/never-ready'] }, periodSeconds: 1 })] },
  });
  assert.equal((await cluster.kubectl(['apply', '-f', '-'], { stdin: unready })).code, 0);
  await cluster.waitFor('web-unready running (and unready)', async () => (await podPhase('web-unready')) === 'Running' ? true : undefined, 60_000);

  // The client runs where the fewest replicas are, so replicas on the other node are reached across nodes.
  const perNode = nodeNames.map((n) => ({ n, count: replicas.filter((p) => p.node === n).length }));
  const clientNode = perNode.sort((x, y) => x.count - y.count)[0]?.n ?? 'node-a';
  assert.ok(replicas.some((p) => p.node !== clientNode), 'some replica runs on another node than the client');
  const script = [
    // Pods on joined nodes get their service-account token too (TokenRequest served by the server).
    'test -s /var/run/secrets/kubernetes.io/serviceaccount/token || { echo NO-TOKEN; exit 1; }',
    // Wait until DNS and the service rules answer, then count 60 requests by name.
    'ok=0; for i in $(seq 1 120); do if timeout 3 wget -q -O /dev/null http://web/; then ok=1; break; fi; sleep 0.5; done',
    '[ $ok = 1 ] || { echo NEVER-ANSWERED; exit 1; }',
    'for i in $(seq 1 60); do timeout 3 wget -q -O - http://web/ || echo FAILED; done',
  ].join('; ');
  const client = JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' },
    spec: { nodeName: clientNode, restartPolicy: 'Never', containers: [{ name: 'client', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] }] },
  });
  assert.equal((await cluster.kubectl(['apply', '-f', '-'], { stdin: client })).code, 0);
  const phase = await cluster.waitFor('the client pod finished', async () => {
    const p = await podPhase('client');
    return p === 'Succeeded' || p === 'Failed' ? p : undefined;
  }, 150_000);
  const logs = await cluster.kubectl(['logs', 'client']);
  assert.equal(phase, 'Succeeded', `client pod: ${logs.stdout}${logs.stderr}`);
  const answers = logs.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  assert.equal(answers.length, 60, logs.stdout);
  assert.ok(!answers.includes('FAILED'), `every request by name was answered:\n${logs.stdout}`);
  assert.ok(!answers.includes('web-unready'), 'the unready pod got no traffic');
  assert.deepEqual(new Set(answers), new Set(replicas.map((p) => p.name)), 'the requests reached every replica');
});

test('a NodePort Service answers on every node\'s address', async () => {
  const port = Number((await cluster.kubectl(['get', 'svc', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}'])).stdout.trim());
  assert.ok(port >= 30000 && port <= 32767, `nodePort ${port}`);
  const names = new Set(replicas.map((p) => p.name));
  for (const i of nodeNames.keys()) {
    // From the server's namespace: outside both nodes, on the test bridge.
    const body = await cluster.waitFor(`NodePort on ${nodeIp(i)}`, async () => {
      const r = await cluster.inNs(cluster.serverNs, ['busybox', 'timeout', '3', 'busybox', 'wget', '-q', '-O', '-', `http://${nodeIp(i)}:${port}/`]);
      return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
    }, 30_000);
    assert.ok(names.has(body), `${nodeIp(i)}:${port} answered "${body}", a web replica`);
  }
});

test('killing a node brings its pods back on the other node within 60 s', async () => {
  await cluster.kubectl(['delete', 'pod', 'client', 'web-unready', '--wait=false']);
  // The victim is the node with the most replicas: its agent is killed (SIGKILL) and its link
  // on the test bridge goes down, as when its machine dies. Its containers keep running, cut off.
  const victimIndex = nodeNames.map((n, i) => ({ i, count: replicas.filter((p) => p.node === n).length })).sort((x, y) => y.count - x.count)[0]?.i ?? 0;
  const victim = nodeNames[victimIndex] as string;
  const survivor = nodeNames[1 - victimIndex] as string;
  assert.ok(replicas.some((p) => p.node === victim));
  const cutAt = Date.now();
  await cluster.agents[victimIndex]?.kill();
  const cut = await cluster.inNs(cluster.lan, ['ip', 'link', 'set', `vn${victimIndex}`, 'down']);
  assert.equal(cut.code, 0, cut.stderr);
  const back = await cluster.waitFor(`3 ready replicas on ${survivor}`, async () => {
    const pods = (await webPods()).filter((p) => p.ready && !p.deleting && p.node === survivor && p.phase === 'Running');
    return pods.length === 3 ? pods : undefined;
  }, 90_000);
  const seconds = (Date.now() - cutAt) / 1000;
  assert.equal(back.length, 3);
  assert.ok(seconds < 60, `the Deployment was whole again after ${seconds.toFixed(1)} s (goal 60 s)`);
  const node = await cluster.kubectl(['get', 'node', victim, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.spec.taints[*].key}']);
  assert.match(node.stdout, /^Unknown .*node\.kubernetes\.io\/unreachable/, `the lost node is NotReady and tainted: ${node.stdout}`);
  process.stdout.write(`# node loss: Deployment whole again on ${survivor} after ${seconds.toFixed(1)} s\n`);
});
