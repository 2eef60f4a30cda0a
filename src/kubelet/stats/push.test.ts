import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { MetricsSources, serve } from '../../apiserver/index.js';
import { StatusError } from '../../client/index.js';
import { connect } from '../../client/typed/index.js';
import { startStatsPush, statsPushPath } from './push.js';
import type { StatsSummary } from './types.js';

test('a remote agent pushes its summary; the metrics API serves it; strangers and malformed summaries are refused', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-stats-push-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const server = await serve({ dataDir: dir, bindAddress: '127.0.0.1', port: 0, metrics: new MetricsSources(), logger: pino({ level: 'silent' }) });
  t.after(() => server.close());
  const rest = connect(server.kubeconfigPath, 'stats-push-test');
  t.after(() => rest.close());
  await rest.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'remote-1' }, status: { allocatable: { cpu: '2', memory: '2Gi' } } });
  const pod = await rest.create<{ metadata: { uid: string } }>('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

  const timestamp = new Date().toISOString();
  const summary: StatsSummary = {
    node: { nodeName: 'remote-1', timestamp, windowSeconds: 10, cpuNanoCores: 5e8, memoryWorkingSetBytes: 1024 ** 3 },
    pods: [{ namespace: 'default', name: 'web', uid: pod.metadata.uid, timestamp, windowSeconds: 10, containers: [{ name: 'c', cpuNanoCores: 2.5e8, memoryWorkingSetBytes: 8 * 1024 ** 2 }] }],
  };
  const errors: unknown[] = [];
  const pusher = startStatsPush({ rest, nodeName: 'remote-1', summary: () => summary, onError: (e) => errors.push(e) });
  t.after(() => pusher.stop());
  await pusher.push();
  assert.deepEqual(errors, []);

  const pods = await rest.get<{ items: Array<{ metadata: { name: string }; containers: Array<{ usage: { cpu: string; memory: string } }> }> }>('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods');
  assert.deepEqual(pods.items.map((p) => [p.metadata.name, p.containers[0]?.usage.cpu, p.containers[0]?.usage.memory]), [['web', '250000000n', '8192Ki']]);
  const node = await rest.get<{ usage: { cpu: string } }>('/apis/metrics.k8s.io/v1beta1/nodes/remote-1');
  assert.equal(node.usage.cpu, '500000000n');

  // A summary about another node, or of the wrong shape, is a 400.
  await assert.rejects(rest.create(statsPushPath('other'), summary), (e: unknown) => e instanceof StatusError && e.code === 400);
  await assert.rejects(rest.create(statsPushPath('remote-1'), { pods: [{ name: 1 }] }), (e: unknown) => e instanceof StatusError && e.code === 400);
  // No credentials: 401.
  const port = new URL(server.url).port;
  const code = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: statsPushPath('remote-1'), method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end(JSON.stringify(summary));
  });
  assert.equal(code, 401);
});
