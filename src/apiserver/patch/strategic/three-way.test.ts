import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './apply.js';
import { createThreeWayMergePatch, createTwoWayMergePatch, LAST_APPLIED_ANNOTATION, withLastAppliedAnnotation } from './three-way.js';
import { canonicalJson } from '../json.js';
import { DEPLOYMENT, POD, fixtureResolver } from '../testdata/schemas.js';

type Obj = Record<string, unknown>;

const file = (image: string, extra: Obj = {}): Obj => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx', namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image, ...extra }] },
});

/** What the server holds after `kubectl apply -f` of `config`: the config plus defaults and server fields. */
function live(config: Obj): Obj {
  const { modified } = withLastAppliedAnnotation(config);
  const obj = structuredClone(modified) as { metadata: Obj; spec: { containers: Obj[] } } & Obj;
  obj.metadata.uid = 'u1';
  obj.metadata.resourceVersion = '7';
  obj.spec.containers = obj.spec.containers.map((c) => ({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', resources: {}, ...c }));
  (obj.spec as Obj).restartPolicy = 'Always';
  obj.status = { phase: 'Running' };
  return obj;
}

function threeWay(previous: Obj, next: Obj, current: Obj, schema = POD): Obj {
  const original = JSON.parse(withLastAppliedAnnotation(previous).annotation) as Obj;
  const { modified } = withLastAppliedAnnotation(next);
  const r = createThreeWayMergePatch(original, modified, current, fixtureResolver, schema);
  assert.equal(r.error, undefined, r.error?.message);
  return r.object ?? {};
}

test('last-applied annotation is sorted compact JSON with annotations: {} and a newline', () => {
  const { annotation, modified } = withLastAppliedAnnotation(file('nginx:1.27'));
  assert.equal(annotation, '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"labels":{"app":"web"},"name":"nginx","namespace":"default"},"spec":{"containers":[{"image":"nginx:1.27","name":"nginx"}]}}\n');
  assert.equal((modified.metadata as { annotations: Record<string, string> }).annotations[LAST_APPLIED_ANNOTATION], annotation);
});

test('three-way patch for a changed image matches what kubectl sends', () => {
  const current = live(file('nginx:1.27'));
  const patch = threeWay(file('nginx:1.27'), file('nginx:1.28'), current);
  const annotation = withLastAppliedAnnotation(file('nginx:1.28')).annotation;
  assert.equal(canonicalJson(patch), canonicalJson({
    metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: annotation } },
    spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.28', name: 'nginx' }] },
  }));
  const applied = applyStrategicMergePatch(current, patch, fixtureResolver, POD).object as { spec: { containers: Obj[] } };
  assert.equal(applied.spec.containers[0]?.image, 'nginx:1.28');
  assert.equal(applied.spec.containers[0]?.imagePullPolicy, 'IfNotPresent', 'server defaults survive');
});

test('three-way patch is {} when nothing changed', () => {
  const current = live(file('nginx:1.27'));
  assert.deepEqual(threeWay(file('nginx:1.27'), file('nginx:1.27'), current), {});
});

test('three-way patch deletes what the previous configuration had and the new one drops', () => {
  const before = file('nginx', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] });
  (before.metadata as Obj).labels = { app: 'web', old: 'x' };
  const after = file('nginx', { env: [{ name: 'A', value: '1' }] });
  const current = live(before);
  (current.metadata as { labels: Record<string, string> }).labels.byHand = 'kept';
  const patch = threeWay(before, after, current) as { metadata: { labels: Obj }; spec: Obj };
  assert.deepEqual(patch.metadata.labels, { old: null });
  assert.deepEqual(patch.spec, {
    '$setElementOrder/containers': [{ name: 'nginx' }],
    containers: [{ '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], name: 'nginx' }],
  });
  const result = applyStrategicMergePatch(current, patch, fixtureResolver, POD).object as { metadata: { labels: Obj }; spec: { containers: Array<{ env: unknown }> } };
  assert.deepEqual(result.metadata.labels, { app: 'web', byHand: 'kept' }, 'labels the user never applied stay');
  assert.deepEqual(result.spec.containers[0]?.env, [{ name: 'A', value: '1' }]);
});

test('three-way patch for primitive lists uses $deleteFromPrimitiveList', () => {
  const before = file('nginx');
  (before.metadata as Obj).finalizers = ['a', 'b'];
  const after = file('nginx');
  (after.metadata as Obj).finalizers = ['a'];
  const patch = threeWay(before, after, live(before)) as { metadata: Obj };
  assert.deepEqual(patch.metadata['$deleteFromPrimitiveList/finalizers'], ['b']);
  assert.deepEqual(patch.metadata['$setElementOrder/finalizers'], ['a']);
});

test('three-way patch adds $retainKeys for retainKeys fields (deployment strategy)', () => {
  const dep = (strategy: Obj): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1, strategy } });
  const before = dep({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } });
  const after = dep({ type: 'Recreate' });
  const patch = threeWay(before, after, withLastAppliedAnnotation(before).modified, DEPLOYMENT) as { spec: Obj };
  assert.deepEqual(patch.spec, { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } });
});

test('two-way patch round-trips through apply', () => {
  const a = live(file('x', { env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80, protocol: 'TCP' }] }));
  const b = structuredClone(a) as { spec: { containers: Obj[] }; metadata: Obj };
  b.spec.containers.push({ name: 'sidecar', image: 's' });
  b.spec.containers[0] = { ...b.spec.containers[0], image: 'y', env: [{ name: 'B', value: '2' }] };
  delete b.metadata.labels;
  const patch = createTwoWayMergePatch(a, b, fixtureResolver, POD);
  assert.equal(patch.error, undefined);
  const applied = applyStrategicMergePatch(a, patch.object, fixtureResolver, POD);
  assert.deepEqual(applied.object, b);
});
