/**
 * Two API servers on one etcd (the HA control plane of DESIGN.md): what one writes, the
 * other serves, watches and guards with the same resourceVersions; the real kubectl on both.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve, type RunningApiServer } from '../../src/apiserver/index.js';
import { openEtcdStore, startEtcdServer } from '../../src/store/etcd/index.js';
import { apiClient, eventually, kubectlFor } from './helpers/server.js';

test('two API servers on one etcd share objects, resourceVersions and watches', async (t) => {
  // Torn down in reverse order (kubectl homes, servers, then etcd), also on failure.
  const cleanups: Array<() => unknown> = [];
  t.after(async () => { for (const cleanup of cleanups.reverse()) await cleanup(); });
  const etcd = await startEtcdServer();
  cleanups.push(() => etcd.stop());
  const { pino } = await import('pino');
  const startOne = async (name: string): Promise<RunningApiServer> => {
    const dataDir = mkdtempSync(join(tmpdir(), `skiff-etcd-${name}-`));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const store = await openEtcdStore({ endpoints: [etcd.endpoint], keyPrefix: '/skiff-e2e' });
    try {
      const server = await serve({ dataDir, bindAddress: '127.0.0.1', port: 0, store, logger: pino({ level: 'silent' }) });
      cleanups.push(() => server.close());
      return server;
    } catch (err: unknown) {
      await store.close();
      throw err;
    }
  };
  const a = await startOne('a');
  const b = await startOne('b');
  const kubectlA = kubectlFor(a.kubeconfigPath);
  const kubectlB = kubectlFor(b.kubeconfigPath);
  cleanups.push(() => { kubectlA.cleanup(); kubectlB.cleanup(); });
  const apiA = apiClient(a.kubeconfigPath);
  const apiB = apiClient(b.kubeconfigPath);

  const created = await kubectlA.run(['create', 'configmap', 'shared', '--from-literal=k=v1', '-o', 'jsonpath={.metadata.resourceVersion}']);
  assert.equal(created.code, 0, created.stderr);
  const rv1 = created.stdout;
  const watchB = await apiB.watch(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv1}`);
  cleanups.push(() => watchB.close());

  const readB = await kubectlB.run(['get', 'configmap', 'shared', '-o', 'jsonpath={.data.k} {.metadata.resourceVersion}']);
  assert.equal(readB.code, 0, readB.stderr);
  assert.equal(readB.stdout, `v1 ${rv1}`, 'server B serves server A\'s write with the same resourceVersion');

  const patched = await kubectlA.run(['patch', 'configmap', 'shared', '-p', '{"data":{"k":"v2"}}', '-o', 'jsonpath={.metadata.resourceVersion}']);
  assert.equal(patched.code, 0, patched.stderr);
  await eventually(() => watchB.events().some((e) => e.type === 'MODIFIED'));
  const modified = watchB.events().find((e) => e.type === 'MODIFIED')?.object as { data?: { k?: string }; metadata?: { resourceVersion?: string } } | undefined;
  assert.equal(modified?.data?.k, 'v2');
  assert.equal(modified?.metadata?.resourceVersion, patched.stdout);

  // Optimistic concurrency spans servers: B refuses an update based on A's older version.
  const stale = await apiB.request('PUT', '/api/v1/namespaces/default/configmaps/shared', {
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'default', resourceVersion: rv1 }, data: { k: 'stale' } },
  });
  assert.equal(stale.status, 409, stale.text);

  const deleted = await kubectlB.run(['delete', 'configmap', 'shared']);
  assert.equal(deleted.code, 0, deleted.stderr);
  const gone = await apiA.request('GET', '/api/v1/namespaces/default/configmaps/shared');
  assert.equal(gone.status, 404);
  await eventually(() => watchB.events().some((e) => e.type === 'DELETED'));
});
