/**
 * The scheduler and hollow nodes end to end, driven by the real kubectl against
 * `skiff server --simulate-nodes 3`: placement and Running status, the explaining message of
 * an unschedulable pod (condition, event, describe), requeue when a node changes, cordon,
 * taints and tolerations, resources, a run-to-completion pod and graceful deletion.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, kubectlFor, eventually, type Kubectl, type TestServer } from './helpers/server.js';

let server: TestServer;
let kubectl: Kubectl;

before(async () => {
  server = await startServer({ extraArgs: ['--simulate-nodes', '3', '--no-controllers'], readyTimeoutMs: 30000, env: { SKIFF_SIM_LEASE_INTERVAL_MS: '600', SKIFF_SIM_CAPACITY: 'cpu=32,memory=64Gi,pods=110,example.com/gpu=2' } });
  kubectl = kubectlFor(server.kubeconfigPath);
});

after(async () => {
  kubectl?.cleanup();
  await server?.stop();
});

async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await kubectl.run(args, stdin !== undefined ? { stdin } : {});
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function podField(name: string, jsonpath: string): Promise<string> {
  const r = await kubectl.run(['get', 'pod', name, '-o', `jsonpath=${jsonpath}`]);
  return r.code === 0 ? r.stdout : '';
}

function podYaml(name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });
}

test('three hollow nodes register Ready with leases', async () => {
  // Components may start just after the server's ready line: wait for the nodes.
  let lines: string[] = [];
  await eventually(async () => {
    lines = (await ok(['get', 'nodes', '--no-headers'])).trim().split('\n').filter((l) => l !== '');
    return lines.length === 3;
  }, 15000);
  assert.equal(lines.length, 3);
  for (const l of lines) assert.match(l, /^hollow-node-\d\s+Ready\s/);
  await eventually(async () => (await ok(['get', 'leases', '-n', 'kube-node-lease', '--no-headers'])).trim().split('\n').length === 3, 10000);
  const renewTime = async (): Promise<string> => ok(['get', 'lease', '-n', 'kube-node-lease', 'hollow-node-0', '-o', 'jsonpath={.spec.renewTime}']);
  const first = await renewTime();
  await eventually(async () => (await renewTime()) > first, 10000);
  assert.equal(await ok(['get', 'node', 'hollow-node-0', '-o', 'jsonpath={.status.allocatable.example\\.com/gpu}']), '2');
});

test('a pod is scheduled and becomes Running with an IP from its node\'s /24', async () => {
  await ok(['run', 'web', '--image=nginx']);
  await eventually(async () => (await podField('web', '{.status.phase}')) === 'Running', 15000);
  const nodeName = await podField('web', '{.spec.nodeName}');
  const ip = await podField('web', '{.status.podIP}');
  const cidr = (await ok(['get', 'node', nodeName, '-o', 'jsonpath={.spec.podCIDR}'])).replace('.0/24', '.');
  assert.ok(ip.startsWith(cidr), `${ip} in ${cidr}0/24`);
  const wide = await ok(['get', 'pod', 'web', '-o', 'wide', '--no-headers']);
  assert.match(wide, /^web\s+1\/1\s+Running\s+0\s+\S+\s+10\.42\.\d+\.\d+\s+hollow-node-\d/);
  const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={.items[*].message}']);
  assert.match(events, new RegExp(`Successfully assigned default/web to ${nodeName}`));
});

test('an unmatched nodeSelector stays Pending with the explaining message, then schedules when a node gets the label', async () => {
  await ok(['apply', '-f', '-'], podYaml('picky', { nodeSelector: { disk: 'ssd' } }));
  const expected = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";
  await eventually(async () => (await podField('picky', '{.status.conditions[?(@.type=="PodScheduled")].message}')).startsWith(expected), 15000);
  assert.equal(await podField('picky', '{.status.conditions[?(@.type=="PodScheduled")].reason}'), 'Unschedulable');
  assert.equal(await podField('picky', '{.status.phase}'), 'Pending');
  const describe = await ok(['describe', 'pod', 'picky']);
  assert.match(describe, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\./);
  await ok(['label', 'node', 'hollow-node-1', 'disk=ssd']);
  await eventually(async () => (await podField('picky', '{.spec.nodeName}')) === 'hollow-node-1', 15000);
  await eventually(async () => (await podField('picky', '{.status.phase}')) === 'Running', 15000);
});

test('cordon makes nodes unschedulable and taints repel pods that do not tolerate them', async () => {
  await ok(['cordon', 'hollow-node-0']);
  await ok(['cordon', 'hollow-node-1']);
  await ok(['taint', 'nodes', 'hollow-node-2', 'dedicated=gpu:NoSchedule']);
  try {
    await ok(['apply', '-f', '-'], podYaml('repelled', {}));
    const expected = "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) were unschedulable.";
    await eventually(async () => (await podField('repelled', '{.status.conditions[?(@.type=="PodScheduled")].message}')).startsWith(expected), 15000);
    await ok(['apply', '-f', '-'], podYaml('tolerant', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    await eventually(async () => (await podField('tolerant', '{.spec.nodeName}')) === 'hollow-node-2', 15000);
    // Removing the taint is a node update: the waiting pod is retried and lands on node 2.
    await ok(['taint', 'nodes', 'hollow-node-2', 'dedicated=gpu:NoSchedule-']);
    await eventually(async () => (await podField('repelled', '{.spec.nodeName}')) === 'hollow-node-2', 15000);
  } finally {
    await ok(['uncordon', 'hollow-node-0']);
    await ok(['uncordon', 'hollow-node-1']);
  }
  await ok(['apply', '-f', '-'], podYaml('after-uncordon', { nodeSelector: { 'kubernetes.io/hostname': 'hollow-node-0' } }));
  await eventually(async () => (await podField('after-uncordon', '{.spec.nodeName}')) === 'hollow-node-0', 15000);
});

test('requests beyond every node\'s capacity: Insufficient cpu on all three', async () => {
  await ok(['apply', '-f', '-'], podYaml('huge', { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100' } } }] }));
  await eventually(async () => (await podField('huge', '{.status.conditions[?(@.type=="PodScheduled")].message}')).startsWith('0/3 nodes are available: 3 Insufficient cpu.'), 15000);
  await ok(['delete', 'pod', 'huge', '--wait=false']);
});

test('a run-to-completion pod Succeeds; deleting a Running pod completes on the hollow node', async () => {
  await ok(['apply', '-f', '-'], podYaml('task', { restartPolicy: 'Never' }, { annotations: { 'sim.skiff.io/run-seconds': '0.2' } }));
  await eventually(async () => (await podField('task', '{.status.phase}')) === 'Succeeded', 15000);
  assert.equal(await podField('task', '{.status.containerStatuses[0].state.terminated.reason}'), 'Completed');
  const started = Date.now();
  await ok(['delete', 'pod', 'web', '--timeout=20s']);
  assert.ok(Date.now() - started < 15000, 'deletion did not wait for the 30 s grace period');
  const r = await kubectl.run(['get', 'pod', 'web']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /NotFound/);
});

test('PriorityClass: a high-priority pod preempts a lower one on a full node', async () => {
  await ok(['create', 'priorityclass', 'high', '--value=1000', '--description=urgent work']);
  const listed = await ok(['get', 'priorityclasses']);
  assert.match(listed, /NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY/);
  assert.match(listed, /high\s+1000\s+false\s+\S+\s+PreemptLowerPriority/);
  const bad = await kubectl.run(['create', 'priorityclass', 'system-mine', '--value=5']);
  assert.notEqual(bad.code, 0);
  const pinned = { nodeSelector: { 'kubernetes.io/hostname': 'hollow-node-2' } };
  const big = (name: string, extra: Record<string, unknown> = {}): string => podYaml(name, { ...pinned, ...extra, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '20' } } }] });
  await ok(['apply', '-f', '-'], big('low'));
  await eventually(async () => (await podField('low', '{.status.phase}')) === 'Running', 15000);
  await ok(['apply', '-f', '-'], big('urgent', { priorityClassName: 'high' }));
  await eventually(async () => (await podField('urgent', '{.spec.nodeName}')) === 'hollow-node-2', 20000);
  const gone = await kubectl.run(['get', 'pod', 'low']);
  assert.match(gone.stderr, /NotFound/);
  const events = await ok(['get', 'events', '--field-selector', 'reason=Preempted', '-o', 'jsonpath={.items[*].message}']);
  assert.match(events, /Preempted by pod \S+ on node hollow-node-2/);
});

test('drain evicts the pods of a node and leaves it cordoned; new pods go elsewhere', async () => {
  for (let i = 0; i < 3; i++) await ok(['apply', '-f', '-'], podYaml(`drained-${i}`, { nodeSelector: { 'kubernetes.io/hostname': 'hollow-node-1' } }));
  await eventually(async () => (await ok(['get', 'pods', '--field-selector', 'spec.nodeName=hollow-node-1,status.phase=Running', '--no-headers'])).includes('drained-2'), 15000);
  await ok(['drain', 'hollow-node-1', '--force', '--ignore-daemonsets', '--timeout=30s']);
  assert.equal(await ok(['get', 'node', 'hollow-node-1', '-o', 'jsonpath={.spec.unschedulable}']), 'true');
  const left = await ok(['get', 'pods', '--field-selector', 'spec.nodeName=hollow-node-1', '-o', 'name']);
  assert.equal(left.trim(), '');
  await ok(['run', 'after-drain', '--image=nginx']);
  await eventually(async () => (await podField('after-drain', '{.spec.nodeName}')) !== '', 15000);
  assert.notEqual(await podField('after-drain', '{.spec.nodeName}'), 'hollow-node-1');
  await ok(['uncordon', 'hollow-node-1']);
});
