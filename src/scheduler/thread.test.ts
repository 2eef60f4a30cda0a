/**
 * The scheduler on its own thread binds pods through the server's in-process transport, and a
 * scheduler that cannot start (a bad configuration file) says why instead of hanging.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import type { KubeObject } from '../api/types.js';
import { restClientOver } from '../client/transport-client.js';
import { serve } from '../apiserver/wiring.js';
import type { RunningApiServer } from '../apiserver/server.js';
import { schedulerOnThread } from './thread.js';
import { startScheduling, threadAboveNodes } from './in-process.js';

async function start(t: TestContext): Promise<{ server: RunningApiServer; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-sched-thread-'));
  const server = await serve({ dataDir, bindAddress: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  t.after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { server, dataDir };
}

test('a pod is bound by the scheduler running on its own thread', async (t) => {
  const { server } = await start(t);
  const rest = restClientOver(server.inProcessTransport(), 'test');
  t.after(() => rest.close());
  const node: KubeObject = {
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' },
    status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };
  await rest.create('/api/v1/nodes', node);
  const scheduler = await schedulerOnThread(server.inProcessTransport());
  t.after(() => scheduler.stop());
  await rest.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const until = Date.now() + 10_000;
  let nodeName: string | undefined;
  while (!nodeName && Date.now() < until) {
    nodeName = (await rest.get<{ spec: { nodeName?: string } }>('/api/v1/namespaces/default/pods/p')).spec.nodeName;
    if (!nodeName) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(nodeName, 'n1');
  await scheduler.stop();
});

test('a scheduler thread that cannot load its configuration rejects with the reason', async (t) => {
  const { server, dataDir } = await start(t);
  const config = join(dataDir, 'sched.yaml');
  writeFileSync(config, 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles: [{schedulerName: x, plugins: {score: {enabled: [{name: NoSuchPlugin}]}}}]\n');
  await assert.rejects(schedulerOnThread(server.inProcessTransport(), { schedulerConfigPath: config }), /the scheduler did not start: .*NoSuchPlugin/);
});

test('auto: the scheduler binds on the API server thread, then moves to its own thread once the cluster passes 100 nodes', async (t) => {
  const { server } = await start(t);
  const rest = restClientOver(server.inProcessTransport(), 'test');
  t.after(() => rest.close());
  const node = (name: string): KubeObject => ({
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  });
  const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const boundTo = async (name: string): Promise<string | undefined> => {
    const until = Date.now() + 10_000;
    for (;;) {
      const nodeName = (await rest.get<{ spec: { nodeName?: string } }>(`/api/v1/namespaces/default/pods/${name}`)).spec.nodeName;
      if (nodeName || Date.now() > until) return nodeName;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await rest.create('/api/v1/nodes', node('n-0'));
  const scheduling = await startScheduling({ kubeconfigPath: server.kubeconfigPath, transport: server.inProcessTransport(), thread: 'auto' });
  t.after(() => scheduling.stop());
  assert.equal(scheduling.onThread, false);
  await rest.create('/api/v1/namespaces/default/pods', pod('before'));
  assert.equal(await boundTo('before'), 'n-0');
  for (let i = 1; i <= threadAboveNodes; i++) await rest.create('/api/v1/nodes', node(`n-${i}`));
  const until = Date.now() + 10_000;
  while (!scheduling.onThread && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  assert.equal(scheduling.onThread, true, 'the scheduler moved to its own thread');
  assert.equal(scheduling.scheduler, undefined);
  await rest.create('/api/v1/namespaces/default/pods', pod('after'));
  assert.match(await boundTo('after') ?? '', /^n-\d+$/);
  await scheduling.stop();
});
