/**
 * The controller manager end to end: the real kubectl 1.32 against
 * `skiff server --simulate-nodes 3` (scheduler and hollow nodes run the pods).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from './helpers/server.js';
import { controllersCluster, isReady as ready } from './controllers-fixture.js';

const deployYaml = (o: { name: string; image: string; replicas: number; strategy?: string; extra?: string; annotations?: string }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name}
${o.annotations ? `  annotations: ${o.annotations}\n` : ''}spec:
  replicas: ${o.replicas}
  selector: {matchLabels: {app: ${o.name}}}
${o.strategy ?? ''}${o.extra ?? ''}  template:
    metadata: {labels: {app: ${o.name}}}
    spec:
      containers:
      - name: c
        image: ${o.image}
`;

describe('controller manager with the real kubectl', { timeout: 240_000 }, () => {
  const cluster = controllersCluster({ nodes: 3, env: { SKIFF_GC_REDISCOVER_MS: '500' } });
  const { ok, pods, run } = cluster;

  test('a Deployment of 3 becomes 3 Running pods, scales to 10 and back, and rollout status ends', async () => {
    await ok(['apply', '-f', '-'], deployYaml({ name: 'web', image: 'nginx:1', replicas: 3 }));
    await eventually(async () => (await pods('app=web')).filter((p) => p.status?.phase === 'Running').length === 3, 20_000);
    const out = await ok(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    assert.match(out, /deployment "web" successfully rolled out/);
    const owned = await pods('app=web');
    assert.ok(owned.every((p) => p.spec.nodeName?.startsWith('hollow-node-')), 'scheduled onto simulated nodes');
    assert.equal(new Set(owned.map((p) => p.spec.nodeName)).size, 3, `3 replicas spread over the 3 nodes: ${owned.map((p) => p.spec.nodeName).join(', ')}`);
    assert.ok(owned.every((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet' && p.metadata.ownerReferences[0].controller === true));
    assert.ok(owned.every((p) => /^[a-z0-9]+$/.test(p.metadata.labels?.['pod-template-hash'] ?? '')));
    await ok(['scale', 'deployment/web', '--replicas=10']);
    await eventually(async () => (await pods('app=web')).filter(ready).length === 10, 20_000);
    await ok(['scale', 'deployment/web', '--replicas=2']);
    await eventually(async () => (await pods('app=web')).length === 2, 20_000);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    const d = JSON.parse(await ok(['get', 'deployment', 'web', '-o', 'json'])) as { status: Record<string, unknown> };
    assert.equal(d.status['replicas'], 2);
    await eventually(async () => /ScalingReplicaSet\s.*deployment-controller\s+Scaled down replica set web-\w+ from 10 to 2/.test(await ok(['describe', 'deployment', 'web'])), 10_000, 300);
    assert.match(await ok(['describe', 'rs', '-l', 'app=web']), /SuccessfulCreate\s.*replicaset-controller\s+Created pod: web-/);
    assert.equal(d.status['availableReplicas'], 2);
  });

  test('an image change rolls within maxSurge/maxUnavailable; undo returns to the previous revision', async () => {
    await ok(['apply', '-f', '-'], deployYaml({ name: 'roll', image: 'nginx:1', replicas: 4, strategy: '  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 1}}\n' }));
    await ok(['rollout', 'status', 'deployment/roll', '--timeout=30s']);
    let minReady = Infinity;
    let maxTotal = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const ps = await pods('app=roll');
        minReady = Math.min(minReady, ps.filter(ready).length);
        maxTotal = Math.max(maxTotal, ps.length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await ok(['set', 'image', 'deployment/roll', 'c=nginx:2']);
    await ok(['rollout', 'status', 'deployment/roll', '--timeout=60s']);
    sampling = false;
    await sampler;
    assert.ok(minReady >= 3, `ready pods fell to ${minReady} (maxUnavailable 1 of 4)`);
    assert.ok(maxTotal <= 5, `pods rose to ${maxTotal} (maxSurge 1 of 4)`);
    const history = await ok(['rollout', 'history', 'deployment/roll']);
    assert.match(history, /^1\s/m);
    assert.match(history, /^2\s/m);
    await ok(['rollout', 'undo', 'deployment/roll']);
    await ok(['rollout', 'status', 'deployment/roll', '--timeout=60s']);
    const d = JSON.parse(await ok(['get', 'deployment', 'roll', '-o', 'json'])) as { metadata: { annotations: Record<string, string> }; spec: { template: { spec: { containers: Array<{ image: string }> } } } };
    assert.equal(d.spec.template.spec.containers[0]?.image, 'nginx:1');
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    const after = await ok(['rollout', 'history', 'deployment/roll']);
    assert.match(after, /^3\s/m);
    assert.doesNotMatch(after, /^1\s/m, 'revision 1 became revision 3');
    assert.ok((await pods('app=roll')).every((p) => p.status?.phase === 'Running'));
  });

  test('deleting a Deployment deletes its ReplicaSets and pods; orphan and foreground cascades', async () => {
    await ok(['apply', '-f', '-'], deployYaml({ name: 'gone', image: 'nginx:1', replicas: 2 }));
    await eventually(async () => (await pods('app=gone')).length === 2, 20_000);
    await ok(['delete', 'deployment', 'gone']);
    await eventually(async () => (await ok(['get', 'rs,pods', '-l', 'app=gone', '-o', 'name'])).trim() === '', 20_000);

    await ok(['apply', '-f', '-'], deployYaml({ name: 'fg', image: 'nginx:1', replicas: 2 }));
    await eventually(async () => (await pods('app=fg')).length === 2, 20_000);
    await ok(['delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=30s']);
    assert.equal((await ok(['get', 'rs,pods', '-l', 'app=fg', '-o', 'name'])).trim(), '');
    assert.equal((await run(['get', 'deployment', 'fg'])).code, 1);

    await ok(['apply', '-f', '-'], deployYaml({ name: 'orph', image: 'nginx:1', replicas: 2 }));
    await eventually(async () => (await pods('app=orph')).filter(ready).length === 2, 20_000);
    await ok(['delete', 'deployment', 'orph', '--cascade=orphan']);
    await eventually(async () => (await run(['get', 'deployment', 'orph'])).code === 1, 20_000);
    const rs = JSON.parse(await ok(['get', 'rs', '-l', 'app=orph', '-o', 'json'])) as { items: Array<{ metadata: { ownerReferences?: unknown[] } }> };
    assert.equal(rs.items.length, 1);
    assert.equal(rs.items[0]?.metadata.ownerReferences, undefined, 'the ReplicaSet was orphaned');
    assert.equal((await pods('app=orph')).length, 2, 'its pods stay');
  });

  test('Recreate stops every old pod before a new one starts', async () => {
    await ok(['apply', '-f', '-'], deployYaml({ name: 'rec', image: 'nginx:1', replicas: 3, strategy: '  strategy: {type: Recreate}\n' }));
    await ok(['rollout', 'status', 'deployment/rec', '--timeout=30s']);
    let mixed = false;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const hashes = new Set((await pods('app=rec')).map((p) => p.metadata.labels?.['pod-template-hash']));
        if (hashes.size > 1) mixed = true;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await ok(['set', 'image', 'deployment/rec', 'c=nginx:2']);
    await ok(['rollout', 'status', 'deployment/rec', '--timeout=60s']);
    sampling = false;
    await sampler;
    assert.equal(mixed, false, 'old and new pods never coexist');
    assert.equal((await pods('app=rec')).filter(ready).length, 3);
  });

  test('opt-in auto-rollback: a revision that misses its progress deadline is rolled back', async () => {
    await ok(['apply', '-f', '-'], deployYaml({ name: 'auto', image: 'nginx:1', replicas: 2, annotations: '{skiff.dev/auto-rollback: "true"}', extra: '  progressDeadlineSeconds: 3\n' }));
    await ok(['rollout', 'status', 'deployment/auto', '--timeout=30s']);
    // A revision whose pods can never be scheduled, so never become available.
    await ok(['patch', 'deployment', 'auto', '--type=merge', '-p', JSON.stringify({ spec: { template: { spec: { nodeSelector: { 'skiff.dev/e2e-nowhere': 'true' } } } } })]);
    await eventually(async () => {
      const d = JSON.parse(await ok(['get', 'deployment', 'auto', '-o', 'json'])) as { spec: { template: { spec: { nodeSelector?: unknown } } } };
      return d.spec.template.spec.nodeSelector === undefined;
    }, 30_000, 300);
    await ok(['rollout', 'status', 'deployment/auto', '--timeout=30s']);
    assert.ok((await pods('app=auto')).every((p) => p.status?.phase === 'Running'));
  });

  test('every namespace gets a default ServiceAccount; the manager holds its Lease', async () => {
    await ok(['create', 'namespace', 'team-a']);
    await eventually(async () => (await run(['get', 'serviceaccount', 'default', '-n', 'team-a'])).code === 0, 10_000);
    const lease = JSON.parse(await ok(['get', 'lease', 'skiff-controller-manager', '-n', 'kube-system', '-o', 'json'])) as { spec: { holderIdentity?: string; renewTime?: string } };
    assert.ok(lease.spec.holderIdentity, 'a holder');
    assert.ok(lease.spec.renewTime);
  });

  test('a Service gets Endpoints and an EndpointSlice from its ready pods', async () => {
    await ok(['apply', '-f', '-'], deployYaml({ name: 'ep', image: 'nginx:1', replicas: 2 }) + `---
apiVersion: v1
kind: Service
metadata: {name: ep}
spec: {selector: {app: ep}, ports: [{name: http, port: 80, targetPort: 8080}]}
`);
    type Endpoints = { subsets?: Array<{ addresses?: Array<{ ip: string; targetRef: { name: string } }>; ports?: Array<{ port: number; name?: string }> }> };
    let ep: Endpoints = {};
    await eventually(async () => {
      ep = JSON.parse(await ok(['get', 'endpoints', 'ep', '-o', 'json'])) as Endpoints;
      return (ep.subsets?.[0]?.addresses ?? []).length === 2;
    }, 20_000, 200);
    assert.deepEqual(ep.subsets?.[0]?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const podIps = (await pods('app=ep')).map((p) => (p.status as { podIP?: string } | undefined)?.podIP).sort();
    assert.deepEqual(ep.subsets?.[0]?.addresses?.map((a) => a.ip).sort(), podIps);
    type Slices = { items: Array<{ addressType: string; endpoints?: Array<{ addresses: string[]; conditions: { ready: boolean } }>; metadata: { ownerReferences?: Array<{ kind: string; name: string }> } }> };
    const slices = JSON.parse(await ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=ep', '-o', 'json'])) as Slices;
    assert.equal(slices.items.length, 1);
    assert.equal(slices.items[0]?.addressType, 'IPv4');
    assert.equal(slices.items[0]?.endpoints?.filter((e) => e.conditions.ready).length, 2);
    assert.equal(slices.items[0]?.metadata.ownerReferences?.[0]?.name, 'ep');
    await ok(['scale', 'deployment/ep', '--replicas=0']);
    await eventually(async () => {
      ep = JSON.parse(await ok(['get', 'endpoints', 'ep', '-o', 'json'])) as Endpoints;
      return ep.subsets === undefined;
    }, 20_000, 200);
  });

  test('rollout pause, resume and restart; a stuck rollout ends rollout status with the deadline error', async () => {
    await ok(['apply', '-f', '-'], deployYaml({ name: 'ctl', image: 'nginx:1', replicas: 2 }));
    await ok(['rollout', 'status', 'deployment/ctl', '--timeout=30s']);
    const rsNames = async (): Promise<string[]> => (await ok(['get', 'rs', '-l', 'app=ctl', '-o', 'name'])).trim().split('\n').filter(Boolean);
    await ok(['rollout', 'pause', 'deployment/ctl']);
    await ok(['set', 'image', 'deployment/ctl', 'c=nginx:2']);
    await eventually(async () => (await ok(['get', 'deployment', 'ctl', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}'])).trim() === 'DeploymentPaused', 10_000, 200);
    assert.equal((await rsNames()).length, 1, 'paused: no new ReplicaSet');
    await ok(['rollout', 'resume', 'deployment/ctl']);
    await ok(['rollout', 'status', 'deployment/ctl', '--timeout=30s']);
    assert.equal((await rsNames()).length, 2);
    await ok(['rollout', 'restart', 'deployment/ctl']);
    await ok(['rollout', 'status', 'deployment/ctl', '--timeout=30s']);
    assert.equal((await rsNames()).length, 3, 'restart makes a new revision');
    assert.match(await ok(['rollout', 'history', 'deployment/ctl']), /^3\s/m);

    await ok(['apply', '-f', '-'], deployYaml({ name: 'stuck', image: 'nginx:1', replicas: 1, extra: '  progressDeadlineSeconds: 2\n' }));
    await ok(['rollout', 'status', 'deployment/stuck', '--timeout=30s']);
    await ok(['patch', 'deployment', 'stuck', '--type=merge', '-p', JSON.stringify({ spec: { template: { spec: { nodeSelector: { 'skiff.dev/e2e-nowhere': 'true' } } } } })]);
    const r = await run(['rollout', 'status', 'deployment/stuck', '--timeout=30s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /deployment "stuck" exceeded its progress deadline/);
  });

  test('the garbage collector also follows owners that are custom resources', async () => {
    await ok(['apply', '-f', '-'], `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`);
    await eventually(async () => (await run(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\n')).code === 0, 15_000, 300);
    const uid = (await ok(['get', 'widget', 'w1', '-o', 'jsonpath={.metadata.uid}'])).trim();
    await ok(['apply', '-f', '-'], `apiVersion: v1
kind: ConfigMap
metadata:
  name: w1-config
  ownerReferences: [{apiVersion: example.com/v1, kind: Widget, name: w1, uid: ${uid}}]
data: {a: b}
`);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await run(['get', 'configmap', 'w1-config'])).code, 0, 'its owner exists: kept');
    await ok(['delete', 'widget', 'w1']);
    await eventually(async () => (await run(['get', 'configmap', 'w1-config'])).code === 1, 15_000, 200);
  });

  test('scaling during a stuck rollout grows old and new ReplicaSets proportionally', async () => {
    await ok(['apply', '-f', '-'], deployYaml({ name: 'prop', image: 'nginx:1', replicas: 4, strategy: '  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 2, maxUnavailable: 1}}\n' }));
    await ok(['rollout', 'status', 'deployment/prop', '--timeout=30s']);
    const sizes = async (): Promise<Record<string, number>> => {
      const list = JSON.parse(await ok(['get', 'rs', '-l', 'app=prop', '-o', 'json'])) as { items: Array<{ metadata: { annotations: Record<string, string> }; spec: { replicas: number } }> };
      return Object.fromEntries(list.items.map((rs) => [rs.metadata.annotations['deployment.kubernetes.io/revision'] ?? '', rs.spec.replicas]));
    };
    await ok(['patch', 'deployment', 'prop', '--type=merge', '-p', JSON.stringify({ spec: { template: { spec: { nodeSelector: { 'skiff.dev/e2e-nowhere': 'true' } } } } })]);
    await eventually(async () => { const s = await sizes(); return s['1'] === 3 && s['2'] === 3; }, 20_000, 200);
    await ok(['scale', 'deployment/prop', '--replicas=8']);
    // 8 + maxSurge 2 = 10 allowed, 6 now: +4 shared 3:3.
    await eventually(async () => { const s = await sizes(); return s['1'] === 5 && s['2'] === 5; }, 20_000, 200);
  });
});
