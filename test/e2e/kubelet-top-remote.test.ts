/**
 * `kubectl top` for a pod on a REMOTE node: `skiff server` and one joined `skiff agent` in
 * their own network namespaces (cluster-join-fixture). The agent pushes its usage summary
 * (as system:node:NAME) to the server, whose metrics API serves it to the real kubectl.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinCluster } from './cluster-join-fixture.js';

let cluster: JoinCluster;

before(async () => {
  cluster = await JoinCluster.create();
  await cluster.startAgent(0, 'node-a');
});
after(async () => { await cluster?.dispose(); });

const burner = JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'burner', labels: { app: 'burn' } },
  spec: { nodeName: 'node-a', terminationGracePeriodSeconds: 1, containers: [{ name: 'burn', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'while :; do :; done'] }] },
});

test('a joined agent\'s pod and node show real CPU and memory in kubectl top', async () => {
  await cluster.waitFor('node-a Ready', async () => ((await cluster.kubectl(['get', 'node', 'node-a', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).stdout === 'True' ? true : undefined));
  const created = await cluster.kubectl(['create', '-f', '-'], { stdin: burner });
  assert.equal(created.code, 0, created.stderr);
  // Running, then two stats rounds (5 s) and a push (every 10 s).
  const row = await cluster.waitFor('figures for burner', async () => {
    const r = await cluster.kubectl(['top', 'pod', 'burner', '--no-headers']);
    return r.code === 0 ? r.stdout.trim().split(/\s+/) : undefined;
  }, 60_000);
  assert.equal(row[0], 'burner');
  assert.ok(Number.parseInt(row[1] ?? '0', 10) >= 50, `cpu ${row[1]}`);
  assert.match(row[2] ?? '', /^\d+Mi$/);
  const node = await cluster.kubectl(['top', 'node', 'node-a', '--no-headers']);
  assert.equal(node.code, 0, node.stderr);
  const [name, cpu, cpuPct, mem] = node.stdout.trim().split(/\s+/);
  assert.equal(name, 'node-a');
  assert.ok(Number.parseInt(cpu ?? '0', 10) >= 50, `node cpu ${cpu}`);
  assert.match(cpuPct ?? '', /^\d+%$/);
  assert.ok(Number.parseInt(mem ?? '0', 10) > 0, `node memory ${mem}`);
});
