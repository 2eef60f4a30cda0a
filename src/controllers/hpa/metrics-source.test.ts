import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { MetricsSources, serve } from '../../apiserver/index.js';
import { builtinRegistry } from '../../api/index.js';
import { connect, coreResources, ResourceClient } from '../../client/typed/index.js';
import type { Pod } from '../base/objects.js';
import { PodMetricsSource } from './metrics-source.js';

const pod = (name: string, annotations?: Record<string, string>): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
} as Pod);

async function server(t: { after(fn: () => unknown): void }, o: { metrics?: MetricsSources; withoutMetricsApi?: boolean }): Promise<ReturnType<typeof connect>> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-hpa-source-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const s = await serve({ dataDir: dir, bindAddress: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), ...(o.metrics ? { metrics: o.metrics } : {}), ...(o.withoutMetricsApi ? { catalog: builtinRegistry() } : {}) });
  t.after(() => s.close());
  const rest = connect(s.kubeconfigPath, 'hpa-source-test');
  t.after(() => rest.close());
  return rest;
}

test('per pod: the metrics API figure when there is one, else the simulated annotation, else none', async (t) => {
  const metrics = new MetricsSources();
  const rest = await server(t, { metrics });
  const pods = new ResourceClient<Pod>(rest, coreResources.pods);
  const real = await pods.create('default', pod('real', { 'skiff.dev/simulated-usage-cpu': '999m' }));
  const simulated = await pods.create('default', pod('simulated', { 'skiff.dev/simulated-usage-cpu': '250m' }));
  const bare = await pods.create('default', pod('bare'));
  const timestamp = new Date().toISOString();
  metrics.register('n1', { summary: () => ({ pods: [{ namespace: 'default', name: 'real', uid: real.metadata.uid ?? '', timestamp, windowSeconds: 5, containers: [{ name: 'c', cpuNanoCores: 1.2e8, memoryWorkingSetBytes: 4096 }] }] }) });

  const source = new PodMetricsSource(rest, () => Date.now());
  const cpu = await source.usage('default', [real, simulated, bare], 'cpu');
  assert.deepEqual([...cpu].sort(), [['real', 120], ['simulated', 250]]);
  assert.equal((await source.usage('default', [real], 'memory')).get('real'), 4096);
});

test('without the metrics API (404) the simulated figures are used', async (t) => {
  const rest = await server(t, { withoutMetricsApi: true });
  const source = new PodMetricsSource(rest, () => Date.now());
  const usage = await source.usage('default', [pod('a', { 'skiff.dev/simulated-usage-cpu': '300m' })], 'cpu');
  assert.equal(usage.get('a'), 300);
});
