/** @kubernetes/client-node (the official JavaScript client) lists and watches pods. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { eventually, startServer, type TestServer } from './helpers/server.js';

describe('apiserver: @kubernetes/client-node', () => {
  let server: TestServer;
  let kc: k8s.KubeConfig;
  before(async () => {
    server = await startServer();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
  });
  after(async () => { await server?.stop(); });

  test('creates, lists and reads pods', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const created = await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'cn1', labels: { app: 'cn' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
    assert.equal(created.metadata?.name, 'cn1');
    assert.equal(created.spec?.restartPolicy, 'Always', 'server defaults are applied');
    const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=cn' });
    assert.deepEqual(list.items.map((p) => p.metadata?.name), ['cn1']);
    assert.match(String(list.metadata?.resourceVersion), /^\d+$/);
    const one = await core.readNamespacedPod({ name: 'cn1', namespace: 'default' });
    assert.equal(one.metadata?.uid, created.metadata?.uid);
  });

  test('watches pods: ADDED, MODIFIED and DELETED', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const list = await core.listNamespacedPod({ namespace: 'default' });
    const req = await watch.watch('/api/v1/namespaces/default/pods', { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (type: string, obj: k8s.V1Pod) => { events.push(`${type} ${obj.metadata?.name ?? ''}`); },
      () => undefined);
    try {
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'cn2' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
      await core.patchNamespacedPod({ name: 'cn2', namespace: 'default', body: { metadata: { labels: { x: 'y' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await core.deleteNamespacedPod({ name: 'cn2', namespace: 'default' });
      // Other writers (the scheduler's status) may add MODIFIED events in between.
      await eventually(() => events.includes('DELETED cn2'));
      const mine = events.filter((e) => e.endsWith('cn2'));
      assert.equal(mine[0], 'ADDED cn2');
      assert.equal(mine.at(-1), 'DELETED cn2');
      assert.ok(mine.slice(1, -1).every((e) => e === 'MODIFIED cn2') && mine.length >= 3, mine.join(', '));
    } finally {
      req.abort();
    }
  });

  test('an informer keeps a cache in sync', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
    await informer.start();
    try {
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'cn3' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
      await eventually(() => informer.list().some((p) => p.metadata?.name === 'cn3'));
    } finally {
      await informer.stop();
    }
  });
});
