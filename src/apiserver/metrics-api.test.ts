import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { serve } from './wiring.js';
import { MetricsSources, cpuQuantity, memoryQuantity, windowDuration, type UsageSummary } from './metrics-api.js';

const run = promisify(execFile);

const manifests = `apiVersion: v1
kind: Node
metadata: {name: n1, labels: {zone: a}}
status: {allocatable: {cpu: "2", memory: 4Gi}, capacity: {cpu: "2", memory: 4Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: burner, labels: {app: burn}}
spec: {containers: [{name: burn, image: busybox}, {name: side, image: busybox}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: quiet, namespace: other}
spec: {containers: [{name: q, image: busybox}]}
`;

test('quantities as metrics-server writes them', () => {
  assert.equal(cpuQuantity(1234567.4), '1234567n');
  assert.equal(memoryQuantity(10 * 1024 * 1024), '10240Ki');
  assert.equal(windowDuration(5.00049), '5s');
  assert.equal(windowDuration(10.5), '10.5s');
});

test('metrics.k8s.io from the agents\' figures: discovery, list/get, selectors, all namespaces, staleness, and the real kubectl top', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-metrics-api-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  let clock = new Date();
  const metrics = new MetricsSources(() => clock);
  const server = await serve({ dataDir: dir, bindAddress: '127.0.0.1', port: 0, metrics, logger: pino({ level: 'silent' }) });
  t.after(() => server.close());
  const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', server.kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args], { env: { ...process.env, HOME: dir }, timeout: 30_000 })).stdout;

  const apply = execFile('kubectl', ['--kubeconfig', server.kubeconfigPath, 'create', '-f', '-'], { env: { ...process.env, HOME: dir } });
  apply.stdin?.end(manifests);
  await new Promise<void>((resolve, reject) => apply.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`create exited ${code}`)))));
  const uid = (await kubectl('get', 'pod', 'burner', '-o', 'jsonpath={.metadata.uid}')).trim();
  const quietUid = (await kubectl('get', 'pod', 'quiet', '-n', 'other', '-o', 'jsonpath={.metadata.uid}')).trim();

  const stamp = (): string => clock.toISOString();
  const summary = (): UsageSummary => ({
    node: { nodeName: 'n1', timestamp: stamp(), windowSeconds: 5, cpuNanoCores: 1.5e9, memoryWorkingSetBytes: 2 * 1024 ** 3 },
    pods: [
      { namespace: 'default', name: 'burner', uid, timestamp: stamp(), windowSeconds: 5, containers: [
        { name: 'burn', cpuNanoCores: 9.5e8, memoryWorkingSetBytes: 3 * 1024 ** 2 }, { name: 'side', cpuNanoCores: 1e6, memoryWorkingSetBytes: 1024 ** 2 }] },
      { namespace: 'other', name: 'quiet', uid: quietUid, timestamp: stamp(), windowSeconds: 5, containers: [{ name: 'q', cpuNanoCores: 2e6, memoryWorkingSetBytes: 2 * 1024 ** 2 }] },
      // A pod that is gone (or was replaced: other uid) is not served.
      { namespace: 'default', name: 'gone', uid: 'x', timestamp: stamp(), windowSeconds: 5, containers: [{ name: 'g', cpuNanoCores: 1, memoryWorkingSetBytes: 1 }] },
    ],
  });
  const unregister = metrics.register('n1', { summary });

  const groups = JSON.parse(await kubectl('get', '--raw', '/apis')) as { groups: Array<{ name: string; preferredVersion: { groupVersion: string } }> };
  assert.equal(groups.groups.find((g) => g.name === 'metrics.k8s.io')?.preferredVersion.groupVersion, 'metrics.k8s.io/v1beta1');
  const resources = await kubectl('api-resources', '--api-group', 'metrics.k8s.io', '-o', 'wide');
  assert.match(resources, /^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics\s+get,list/m);
  assert.match(resources, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics\s+get,list/m);

  const list = JSON.parse(await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods')) as { kind: string; items: Array<{ metadata: { name: string; labels?: Record<string, string> }; window: string; containers: Array<{ name: string; usage: Record<string, string> }> }> };
  assert.equal(list.kind, 'PodMetricsList');
  assert.deepEqual(list.items.map((i) => i.metadata.name), ['burner']);
  assert.deepEqual(list.items[0]?.metadata.labels, { app: 'burn' });
  assert.equal(list.items[0]?.window, '5s');
  assert.deepEqual(list.items[0]?.containers[0], { name: 'burn', usage: { cpu: '950000000n', memory: '3072Ki' } });

  const top = await kubectl('top', 'pod');
  assert.match(top, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
  assert.match(top, /^burner\s+951m\s+4Mi\s*$/m);
  assert.match(await kubectl('top', 'pod', '--containers'), /^burner\s+burn\s+950m\s+3Mi\s*$/m);
  assert.match(await kubectl('top', 'pod', '-l', 'app=burn'), /^burner\s/m);
  assert.doesNotMatch(await kubectl('top', 'pod', '-l', 'app=other').catch((e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`), /burner/);
  const all = await kubectl('top', 'pod', '-A');
  assert.match(all, /^default\s+burner\s+951m/m);
  assert.match(all, /^other\s+quiet\s+2m/m);
  const node = await kubectl('top', 'node');
  assert.match(node, /^n1\s+1500m\s+75%\s+2048Mi\s+50%\s*$/m);
  const one = JSON.parse(await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes/n1')) as { kind: string; metadata: { labels: Record<string, string> }; usage: Record<string, string> };
  assert.equal(one.kind, 'NodeMetrics');
  assert.equal(one.metadata.labels['zone'], 'a');
  assert.equal(one.usage['cpu'], '1500000000n');
  // Read-only, as metrics-server.
  await assert.rejects(kubectl('delete', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes/n1'), /MethodNotAllowed|not allowed/);

  // Figures older than a minute are not served.
  const fresh = clock;
  clock = new Date(fresh.getTime() + 61_000);
  const staleSummary = summary();
  unregister();
  clock = fresh;
  metrics.push('n1', staleSummary);
  clock = new Date(fresh.getTime() + 61_000 + 61_000);
  const stale = JSON.parse(await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods')) as { items: unknown[] };
  assert.equal(stale.items.length, 0);
  await assert.rejects(kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes/n1'), /NotFound|not found/);
  // The OpenAPI documents still build with the extra group in the catalog.
  const index = JSON.parse(await kubectl('get', '--raw', '/openapi/v3')) as { paths: Record<string, unknown> };
  assert.ok(index.paths['api/v1']);
});

test('kubectl get podmetrics/nodemetrics print a Table (CPU in millicores)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-metrics-table-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const metrics = new MetricsSources();
  const server = await serve({ dataDir: dir, bindAddress: '127.0.0.1', port: 0, metrics, logger: pino({ level: 'silent' }) });
  t.after(() => server.close());
  const kubectl = async (...args: string[]): Promise<string> => (await run('kubectl', ['--kubeconfig', server.kubeconfigPath, ...args], { env: { ...process.env, HOME: dir }, timeout: 30_000 })).stdout;
  const pod = JSON.parse(await kubectl('run', 'p', '--image=busybox', '-o', 'json')) as { metadata: { uid: string } };
  const timestamp = new Date().toISOString();
  metrics.register('n', { summary: () => ({ pods: [{ namespace: 'default', name: 'p', uid: pod.metadata.uid, timestamp, windowSeconds: 5, containers: [{ name: 'p', cpuNanoCores: 3e7, memoryWorkingSetBytes: 5e6 }] }] }) });
  const out = await kubectl('get', 'podmetrics');
  assert.match(out, /^NAME\s+CPU\s+MEMORY\s+WINDOW\s*$/m);
  assert.match(out, /^p\s+30m\s+4883Ki\s+5s\s*$/m);
  // The core resources keep their short names and plurals.
  assert.match(await kubectl('get', 'pods'), /^p\s+0\/1\s+Pending/m);
});
