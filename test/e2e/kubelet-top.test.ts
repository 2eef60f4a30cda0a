/**
 * `kubectl top` on real figures: a `skiff server` (agent in-process) in a test network
 * namespace runs a busybox pod burning CPU; the real kubectl and ours show its CPU and
 * memory (from its cgroups) and the node's (from /proc), through metrics.k8s.io; and an
 * HPA on that Deployment scales it on those figures (no simulated usage anywhere).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNodeServer, type NodeServer } from './kubelet-fixture.js';
import { repoRoot } from './engine-run-fixture.js';

const burner = `apiVersion: apps/v1
kind: Deployment
metadata: {name: burner}
spec:
  replicas: 1
  selector: {matchLabels: {app: burn}}
  template:
    metadata: {labels: {app: burn}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: burn
        image: busybox
        imagePullPolicy: Never
        command: [sh, -c, 'while :; do :; done']
        resources: {requests: {cpu: 20m}}
`;

// A spinning shell uses far more than 20m, so the HPA wants the maximum at once.
const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: burner}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: burner}
  minReplicas: 1
  maxReplicas: 2
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
`;

function ourKubectl(s: NodeServer, args: readonly string[]): ReturnType<NodeServer['inNetns']> {
  return s.inNetns(process.execPath, [join(repoRoot, 'bin/skiff'), 'kubectl', '--kubeconfig', join(s.dataDir, 'kubeconfig.yaml'), ...args]);
}

/** The first number in a `123m` / `45Mi` cell of the row starting with `name`. */
function cells(out: string, first: string): string[] | undefined {
  return out.split('\n').find((l) => l.split(/\s+/)[0] === first)?.trim().split(/\s+/);
}

test('kubectl top pods|--containers|nodes show the real CPU and memory of a busy busybox pod and the node (real kubectl and ours); the HPA scales on them', async (t) => {
  // Test-only tuning of the controller manager in the server (inherited through the environment).
  process.env['SKIFF_HPA_SYNC_PERIOD_MS'] = '2000';
  const s = await startNodeServer();
  t.after(() => s.stop());
  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: burner });
  assert.equal(applied.code, 0, applied.stderr);
  const podName = await s.waitFor('a burner pod Running', async () => /^(burner-\S+)\s+1\/1\s+Running/m.exec((await s.kubectl(['get', 'pods'])).stdout)?.[1], 30_000);

  // Two samples of the agent's stats loop (5 s apart) are needed for a rate.
  const top = await s.waitFor('figures for burner', async () => {
    const r = await s.kubectl(['top', 'pods']);
    return r.code === 0 && cells(r.stdout, podName) ? r.stdout : undefined;
  }, 30_000);
  assert.match(top, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
  const [, cpu, mem] = cells(top, podName) ?? [];
  assert.match(cpu ?? '', /^\d+m$/);
  assert.match(mem ?? '', /^\d+Mi$/);
  // A shell spinning in a loop uses a good share of a core even on a loaded machine.
  assert.ok(Number.parseInt(cpu ?? '0', 10) >= 50, `burner cpu ${cpu}`);

  const raw = JSON.parse((await s.kubectl(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${podName}`])).stdout) as { metadata: { labels: Record<string, string> }; containers: Array<{ name: string; usage: { cpu: string; memory: string } }> };
  assert.equal(raw.metadata.labels['app'], 'burn');
  assert.equal(raw.containers[0]?.name, 'burn');
  assert.ok(Number.parseInt(raw.containers[0]?.usage.memory ?? '0', 10) > 0, `memory ${raw.containers[0]?.usage.memory}`);
  assert.ok(Number.parseInt(raw.containers[0]?.usage.cpu ?? '0', 10) > 0);

  const byContainer = await s.kubectl(['top', 'pods', '--containers']);
  assert.equal(byContainer.code, 0, byContainer.stderr);
  assert.match(byContainer.stdout, /^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
  assert.match(byContainer.stdout, new RegExp(`^${podName}\\s+burn\\s+[1-9]\\d*m\\s+\\d+Mi\\s*$`, 'm'));
  assert.ok(cells((await s.kubectl(['top', 'pods', '-l', 'app=burn'])).stdout, podName));
  assert.equal(cells((await s.kubectl(['top', 'pods', '-l', 'app=other'])).stdout, podName), undefined);

  const nodes = await s.kubectl(['top', 'nodes']);
  assert.equal(nodes.code, 0, nodes.stderr);
  assert.match(nodes.stdout, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/m);
  const [, nodeCpu, cpuPct, nodeMem, memPct] = cells(nodes.stdout, s.nodeName) ?? [];
  assert.ok(Number.parseInt(nodeCpu ?? '0', 10) >= 50, `node cpu ${nodeCpu}`);
  assert.match(cpuPct ?? '', /^\d+%$/);
  assert.ok(Number.parseInt(nodeMem ?? '0', 10) > 0, `node memory ${nodeMem}`);
  assert.match(memPct ?? '', /^\d+%$/);

  // skiff kubectl prints the same tables.
  const ours = await ourKubectl(s, ['top', 'pods']);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(ours.stdout.split('\n')[0], top.split('\n')[0]);
  assert.ok(Number.parseInt(cells(ours.stdout, podName)?.[1] ?? '0', 10) >= 50, ours.stdout);
  const oursContainers = await ourKubectl(s, ['top', 'pods', '--containers']);
  assert.equal(oursContainers.stdout.split('\n')[0], byContainer.stdout.split('\n')[0]);
  assert.match(oursContainers.stdout, new RegExp(`^${podName}\\s+burn\\s+[1-9]\\d*m\\s+\\d+Mi\\s*$`, 'm'));
  const oursNodes = await ourKubectl(s, ['top', 'nodes']);
  assert.equal(oursNodes.stdout.split('\n')[0], nodes.stdout.split('\n')[0]);
  assert.match(oursNodes.stdout, new RegExp(`^${s.nodeName}\\s+[1-9]\\d*m\\s+\\d+%\\s+[1-9]\\d*Mi\\s+\\d+%\\s*$`, 'm'));

  // The HPA reads the same figures: far above 50% of 20m, so it scales to its maximum.
  assert.equal((await s.kubectl(['apply', '-f', '-'], { stdin: hpa })).code, 0);
  const status = await s.waitFor('the HPA to scale burner up on real CPU', async () => {
    const r = await s.kubectl(['get', 'hpa', 'burner', '-o', 'json']);
    const h = JSON.parse(r.stdout || '{}') as { status?: { desiredReplicas?: number; currentMetrics?: Array<{ resource: { current: { averageUtilization?: number } } }>; conditions?: Array<{ type: string; reason: string }> } };
    return h.status?.desiredReplicas === 2 ? h.status : undefined;
  }, 30_000);
  assert.ok((status.currentMetrics?.[0]?.resource.current.averageUtilization ?? 0) > 100, JSON.stringify(status.currentMetrics));
  assert.equal(status.conditions?.find((c) => c.type === 'ScalingActive')?.reason, 'ValidMetricFound');
  assert.equal((await s.kubectl(['get', 'deployment', 'burner', '-o', 'jsonpath={.spec.replicas}'])).stdout, '2');

  // Deleted pods' figures go with them.
  assert.equal((await s.kubectl(['delete', 'hpa,deployment', 'burner'])).code, 0);
  await s.waitFor('no burner pods', async () => ((await s.kubectl(['get', 'pods', '-o', 'name'])).stdout.trim() === '' ? true : undefined), 60_000);
  const after = await s.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods']);
  assert.deepEqual((JSON.parse(after.stdout) as { items: unknown[] }).items, []);
});
