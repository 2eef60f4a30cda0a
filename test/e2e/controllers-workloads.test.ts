/** DaemonSet and StatefulSet controllers with the real kubectl against `skiff server --simulate-nodes 3`. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from './helpers/server.js';
import { controllersCluster } from './controllers-fixture.js';

const dsYaml = (image: string, tolerate: boolean) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
  template:
    metadata: {labels: {app: agent}}
    spec:
${tolerate ? '      tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]\n' : ''}      containers: [{name: c, image: ${image}}]
`;

const stsYaml = (o: { image: string; replicas: number; partition?: number }) => `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: ${o.replicas}
  selector: {matchLabels: {app: web}}
${o.partition !== undefined ? `  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: ${o.partition}}}\n` : ''}  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: ${o.image}}]
`;

describe('DaemonSet and StatefulSet with the real kubectl', { timeout: 180_000 }, () => {
  const { ok, pods } = controllersCluster({ nodes: 3 });

  test('a DaemonSet has one pod per eligible node, honours taints, and rolls out an update', async () => {
    let nodes: string[] = [];
    await eventually(async () => {
      nodes = (await ok(['get', 'nodes', '-o', 'name'])).trim().split('\n').filter(Boolean).map((n) => n.replace('node/', '')).sort();
      return nodes.length === 3;
    }, 20_000, 200);
    const [n1 = '', n2 = '', n3 = ''] = nodes;
    await ok(['taint', 'nodes', n3, 'dedicated=yes:NoSchedule']);
    await ok(['apply', '-f', '-'], dsYaml('agent:1', false));
    await eventually(async () => (await pods('app=agent')).filter((p) => p.status?.phase === 'Running').length === 2, 20_000);
    const first = await pods('app=agent');
    assert.deepEqual(first.map((p) => p.spec.nodeName).sort(), [n1, n2], 'the tainted node gets no pod');
    await ok(['apply', '-f', '-'], dsYaml('agent:1', true));
    await eventually(async () => (await pods('app=agent')).filter((p) => p.status?.phase === 'Running').length === 3, 20_000);
    assert.deepEqual((await pods('app=agent')).map((p) => p.spec.nodeName).sort(), [n1, n2, n3]);
    await ok(['set', 'image', 'daemonset/agent', 'c=agent:2']);
    const out = await ok(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
    assert.match(out, /successfully rolled out/);
    const updated = await pods('app=agent');
    assert.equal(updated.length, 3);
    assert.ok(updated.every((p) => p.spec.containers[0]?.image === 'agent:2'));
    assert.match(await ok(['rollout', 'history', 'daemonset/agent']), /^2\s/m);
  });

  test('a StatefulSet creates web-0, web-1, web-2 in order, scales down from the top, and rolls by partition', async () => {
    const seen: string[][] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        seen.push((await pods('app=web')).map((p) => p.metadata.name).sort());
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    await ok(['apply', '-f', '-'], stsYaml({ image: 'web:1', replicas: 3 }));
    await ok(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
    assert.deepEqual((await pods('app=web')).map((p) => p.metadata.name).sort(), ['web-0', 'web-1', 'web-2']);
    await ok(['scale', 'statefulset/web', '--replicas=1']);
    await eventually(async () => (await pods('app=web')).length === 1, 20_000);
    sampling = false;
    await sampler;
    const prefixes = [[], ['web-0'], ['web-0', 'web-1'], ['web-0', 'web-1', 'web-2']].map((x) => x.join(','));
    for (const s of seen) assert.ok(prefixes.includes(s.join(',')), `pods ${s.join(',')} are not an ordered prefix`);
    const [only] = await pods('app=web');
    assert.equal(only?.metadata.name, 'web-0');
    assert.equal(only?.spec.hostname, 'web-0');
    assert.equal(only?.spec.subdomain, 'web');
    const claims = (await ok(['get', 'pvc', '-o', 'name'])).trim().split('\n').sort();
    assert.deepEqual(claims, ['persistentvolumeclaim/data-web-0', 'persistentvolumeclaim/data-web-1', 'persistentvolumeclaim/data-web-2'], 'one claim per ordinal, kept after scale-down');
    const vol = JSON.parse(await ok(['get', 'pod', 'web-0', '-o', 'json'])) as { spec: { volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }> } };
    assert.equal(vol.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName, 'data-web-0');

    await ok(['apply', '-f', '-'], stsYaml({ image: 'web:1', replicas: 3, partition: 2 }));
    await ok(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
    await ok(['apply', '-f', '-'], stsYaml({ image: 'web:2', replicas: 3, partition: 2 }));
    await eventually(async () => (await pods('app=web')).find((p) => p.metadata.name === 'web-2')?.spec.containers[0]?.image === 'web:2', 20_000);
    await ok(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
    const images = Object.fromEntries((await pods('app=web')).map((p) => [p.metadata.name, p.spec.containers[0]?.image]));
    assert.deepEqual(images, { 'web-0': 'web:1', 'web-1': 'web:1', 'web-2': 'web:2' }, 'only ordinals >= partition updated');
    await ok(['apply', '-f', '-'], stsYaml({ image: 'web:2', replicas: 3, partition: 0 }));
    await eventually(async () => (await pods('app=web')).every((p) => p.spec.containers[0]?.image === 'web:2' && p.status?.phase === 'Running'), 30_000);
    await ok(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
    const sts = JSON.parse(await ok(['get', 'statefulset', 'web', '-o', 'json'])) as { status: { currentRevision: string; updateRevision: string; updatedReplicas: number } };
    assert.equal(sts.status.currentRevision, sts.status.updateRevision);
    assert.equal(sts.status.updatedReplicas, 3);
    const revisions = (await ok(['get', 'controllerrevisions', '-o', 'name'])).trim().split('\n').filter((n) => n.includes('web-'));
    assert.equal(revisions.length, 2, 'one ControllerRevision per template');
  });
});
