import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../../api/types.js';
import { applyConflictError } from '../errors.js';
import { DEPLOYMENT, POD, WIDGET, fixtureResolver } from '../testdata/schemas.js';
import { BEFORE_FIRST_APPLY, serverSideApply, type ServerSideApplyOptions } from './apply.js';
import { updateManagedFields } from './update.js';

type Obj = Record<string, unknown>;
const T0 = new Date('2026-01-02T03:04:05.678Z');
const T1 = new Date('2026-01-02T04:00:00.000Z');

const podConfig = (image: string, labels: Record<string, string> = { app: 'web' }): Obj => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx', namespace: 'default', labels },
  spec: { containers: [{ name: 'nginx', image }] },
});

function apply(live: KubeObject | undefined, applied: unknown, extra: Partial<ServerSideApplyOptions> = {}) {
  return serverSideApply({ live, applied, manager: 'kubectl', force: false, schemaName: POD, resolver: fixtureResolver, now: T0, ...extra });
}

function applied(live: KubeObject | undefined, config: unknown, extra: Partial<ServerSideApplyOptions> = {}): KubeObject {
  const r = apply(live, config, extra);
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.conflicts, undefined, JSON.stringify(r.conflicts));
  assert.ok(r.object);
  return r.object;
}

function entry(obj: KubeObject, manager: string, operation = 'Apply'): ManagedFieldsEntry | undefined {
  return obj.metadata?.managedFields?.find((e) => e.manager === manager && e.operation === operation);
}

/** A create by a client-side kubectl apply: the stored object (with defaults) and its Update entry. */
function createdByClientSideApply(image: string): KubeObject {
  const obj = podConfig(image) as KubeObject;
  (obj.metadata as Obj).annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  (obj.spec as { containers: Obj[] }).containers[0] = { name: 'nginx', image, imagePullPolicy: 'IfNotPresent', resources: {} };
  obj.status = { phase: 'Pending' };
  const managedFields = updateManagedFields({ old: undefined, updated: obj, manager: 'kubectl-client-side-apply', operation: 'Update', now: T0, apiVersion: 'v1', schemaName: POD, resolver: fixtureResolver });
  return { ...obj, metadata: { ...obj.metadata, managedFields } };
}

test('apply creates an object and records an Apply entry in upstream encoding', () => {
  const obj = applied(undefined, podConfig('nginx:1.27'));
  assert.deepEqual(obj.spec, { containers: [{ name: 'nginx', image: 'nginx:1.27' }] });
  assert.deepEqual(obj.metadata?.managedFields, [{
    manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    },
  }]);
});

test('an ordinary create records an Update entry like upstream (maps and items get ".", structs and status do not)', () => {
  const obj = createdByClientSideApply('nginx:1.27');
  assert.deepEqual(obj.metadata?.managedFields, [{
    manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': {
        'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} },
        'f:labels': { '.': {}, 'f:app': {} },
      },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:resources': {} } } },
    },
  }]);
});

test('apply that changes a field another manager owns conflicts with the upstream message', () => {
  const live = createdByClientSideApply('nginx:1.27');
  const r = apply(live, podConfig('nginx:1.28'));
  assert.deepEqual(r.conflicts, [{ manager: '"kubectl-client-side-apply" using v1', field: '.spec.containers[name="nginx"].image' }]);
  const err = applyConflictError(r.conflicts ?? []);
  assert.equal(err.code, 409);
  assert.equal(err.reason, 'Conflict');
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .spec.containers[name="nginx"].image');
  assert.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.spec.containers[name="nginx"].image' }]);
});

test('apply with the same values shares ownership without conflict', () => {
  const live = createdByClientSideApply('nginx:1.27');
  const obj = applied(live, podConfig('nginx:1.27'));
  const csa = entry(obj, 'kubectl-client-side-apply', 'Update')?.fieldsV1 as Obj;
  const ssa = entry(obj, 'kubectl')?.fieldsV1 as Obj;
  const image = (fields: Obj) => ((((fields['f:spec'] as Obj)['f:containers'] as Obj)['k:{"name":"nginx"}'] as Obj)['f:image']);
  assert.deepEqual(image(csa), {});
  assert.deepEqual(image(ssa), {});
  assert.equal(obj.metadata?.managedFields?.[0]?.operation, 'Apply', 'Apply entries sort first');
});

test('force takes the field over: the other manager loses it', () => {
  const live = createdByClientSideApply('nginx:1.27');
  const obj = applied(live, podConfig('nginx:1.28'), { force: true });
  assert.equal((obj.spec as { containers: Obj[] }).containers[0]?.image, 'nginx:1.28');
  assert.equal((obj.spec as { containers: Obj[] }).containers[0]?.imagePullPolicy, 'IfNotPresent', 'fields the applier does not set stay');
  const csa = JSON.stringify(entry(obj, 'kubectl-client-side-apply', 'Update')?.fieldsV1);
  assert.ok(!csa.includes('f:image"'), csa);
  assert.ok(csa.includes('f:imagePullPolicy'));
  const again = apply(obj, podConfig('nginx:1.28'));
  assert.equal(again.conflicts, undefined, 'after the takeover the applier owns it');
});

test('fields the applier stops setting are removed, unless another manager owns them', () => {
  const first = applied(undefined, podConfig('nginx', { app: 'web', extra: 'x', shared: 'y' }));
  const labelled = structuredClone(first);
  const labels = (labelled.metadata as { labels: Record<string, string> }).labels;
  labels.shared = 'z';
  labelled.metadata = { ...labelled.metadata, managedFields: updateManagedFields({ old: first, updated: labelled, manager: 'kubectl-label', operation: 'Update', now: T1, apiVersion: 'v1', schemaName: POD, resolver: fixtureResolver }) };
  const second = applied(labelled, podConfig('nginx', { app: 'web' }));
  assert.deepEqual(second.metadata?.labels, { app: 'web', shared: 'z' });
  const third = applied(second, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } });
  assert.deepEqual(third.metadata?.labels, { shared: 'z' });
});

test('a keyed list item the applier drops is removed', () => {
  const two = podConfig('a');
  (two.spec as { containers: Obj[] }).containers.push({ name: 'sidecar', image: 's' });
  const first = applied(undefined, two);
  const second = applied(first, podConfig('a'));
  assert.deepEqual((second.spec as { containers: Obj[] }).containers, [{ name: 'nginx', image: 'a' }]);
});

test('re-applying the same configuration changes nothing, not even the time', () => {
  const first = applied(undefined, podConfig('nginx'));
  const second = applied(first, podConfig('nginx'), { now: T1 });
  assert.deepEqual(second, first);
});

test('two appliers: conflict without "using", force transfers ownership', () => {
  const dep = (replicas: number): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas } });
  const opts = { schemaName: DEPLOYMENT };
  const first = applied(undefined, dep(3), { ...opts, manager: 'alice' });
  const r = apply(first, dep(5), { ...opts, manager: 'bob' });
  assert.deepEqual(r.conflicts, [{ manager: '"alice"', field: '.spec.replicas' }]);
  const forced = applied(first, dep(5), { ...opts, manager: 'bob', force: true });
  assert.equal((forced.spec as Obj).replicas, 5);
  assert.equal(entry(forced, 'alice'), undefined, 'alice owned nothing else, so her entry goes');
});

test('an ordinary write takes ownership, so a later apply of another value conflicts', () => {
  const dep = (replicas: number): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas, paused: false } });
  const first = applied(undefined, dep(3), { schemaName: DEPLOYMENT });
  const scaled = structuredClone(first);
  (scaled.spec as Obj).replicas = 7;
  const managedFields = updateManagedFields({ old: first, updated: scaled, manager: 'kubectl', operation: 'Update', subresource: 'scale', now: T1, apiVersion: 'apps/v1', schemaName: DEPLOYMENT, resolver: fixtureResolver });
  assert.deepEqual(managedFields.find((e) => e.operation === 'Update'), {
    manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-02T04:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale',
  });
  const applierFields = JSON.stringify(managedFields.find((e) => e.operation === 'Apply')?.fieldsV1);
  assert.ok(!applierFields.includes('replicas'), applierFields);
  const live = { ...scaled, metadata: { ...scaled.metadata, managedFields } };
  const r = apply(live, dep(3), { schemaName: DEPLOYMENT });
  assert.deepEqual(r.conflicts, [{ manager: '"kubectl" with subresource "scale" using apps/v1', field: '.spec.replicas' }]);
  const err = applyConflictError([...(r.conflicts ?? []), { manager: '"other" using v1', field: '.spec.paused' }]);
  assert.equal(err.message, 'Apply failed with 2 conflicts: conflicts with "kubectl" with subresource "scale" using apps/v1:\n- .spec.replicas\nconflicts with "other" using v1:\n- .spec.paused');
});

test('sets, keyed items with defaulted keys, atomic fields', () => {
  const config = podConfig('x');
  (config.metadata as Obj).finalizers = ['example.com/a'];
  (config.spec as { containers: Obj[] }).containers[0] = { name: 'nginx', image: 'x', ports: [{ containerPort: 80 }], command: ['sh', '-c'] };
  (config.spec as Obj).nodeSelector = { disk: 'ssd' };
  const obj = applied(undefined, config);
  const fields = entry(obj, 'kubectl')?.fieldsV1 as Obj;
  assert.deepEqual((fields['f:metadata'] as Obj)['f:finalizers'], { 'v:"example.com/a"': {} }, 'apply sets do not own the list itself');
  const container = ((fields['f:spec'] as Obj)['f:containers'] as Obj)['k:{"name":"nginx"}'] as Obj;
  assert.deepEqual(container['f:ports'], { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } });
  assert.deepEqual(container['f:command'], {});
  assert.deepEqual((fields['f:spec'] as Obj)['f:nodeSelector'], {});
});

test('apply onto an object with no managedFields gives its fields to before-first-apply', () => {
  const live = { ...podConfig('old'), metadata: { name: 'nginx', labels: { app: 'web' } } } as KubeObject;
  const r = apply(live, podConfig('new'));
  assert.deepEqual(r.conflicts, [{ manager: `"${BEFORE_FIRST_APPLY}" using v1`, field: '.spec.containers[name="nginx"].image' }]);
});

test('apply errors are 400 values', () => {
  const keyless = podConfig('x');
  (keyless.spec as { containers: Obj[] }).containers.push({ image: 'no-name' });
  assert.equal(apply(undefined, keyless).error?.message, 'failed to create typed patch object: .spec.containers: element 1: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)');
  const dup = podConfig('x');
  (dup.spec as { containers: Obj[] }).containers.push({ name: 'nginx', image: 'y' });
  assert.match(apply(undefined, dup).error?.message ?? '', /duplicate entries for key \[name="nginx"\]/);
  assert.equal(apply(undefined, 'text').error?.code, 400);
  const withFields = podConfig('x');
  (withFields.metadata as Obj).managedFields = [{ manager: 'm' }];
  assert.match(apply(undefined, withFields).error?.message ?? '', /managedFields must be nil/);
});

test('status is not tracked on the main resource', () => {
  const config = { ...podConfig('x'), status: { phase: 'Running' } };
  const obj = applied(undefined, config);
  assert.ok(!JSON.stringify(obj.metadata?.managedFields).includes('f:status'));
});

test('kubectl server-side apply keeps an existing last-applied annotation in sync', () => {
  const live = createdByClientSideApply('nginx:1.27');
  const obj = applied(live, podConfig('nginx:1.27', { app: 'web', more: 'x' }));
  const annotation = obj.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  assert.equal(annotation, '{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"app":"web","more":"x"},"name":"nginx","namespace":"default"},"spec":{"containers":[{"image":"nginx:1.27","name":"nginx"}]}}\n');
  const other = applied(live, podConfig('nginx:1.27'), { manager: 'helm' });
  assert.equal(other.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], '{}', 'other managers leave it alone');
});

test('writing managedFields as [{}] clears them; [] keeps the old ones', () => {
  const live = createdByClientSideApply('x');
  const cleared = structuredClone(live);
  cleared.metadata = { ...cleared.metadata, managedFields: [{}] };
  const opts = { old: live, manager: 'kubectl-edit', operation: 'Update' as const, now: T1, apiVersion: 'v1', schemaName: POD, resolver: fixtureResolver };
  assert.deepEqual(updateManagedFields({ ...opts, updated: cleared }), []);
  const garbled = structuredClone(live);
  garbled.metadata = { ...garbled.metadata, managedFields: JSON.parse('[{"manager":"x","operation":"Update","fieldsType":"FieldsV2"}]') as ManagedFieldsEntry[] };
  assert.deepEqual(updateManagedFields({ ...opts, updated: garbled }), live.metadata?.managedFields, 'malformed managedFields from a client fall back to the stored ones');
  const emptied = structuredClone(live);
  emptied.metadata = { ...emptied.metadata, managedFields: [] };
  assert.deepEqual(updateManagedFields({ ...opts, updated: emptied }), live.metadata?.managedFields);
});

test('custom resources: metadata is typed as ObjectMeta, unmarked lists are atomic, preserved fields are maps', () => {
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { a: 'b' } }, spec: { size: 1, tags: ['x'], ports: [{ name: 'http', port: 80 }], config: { deep: { k: 'v' } } } };
  const obj = applied(undefined, widget, { schemaName: WIDGET });
  assert.deepEqual(entry(obj, 'kubectl')?.fieldsV1, {
    'f:metadata': { 'f:labels': { 'f:a': {} } },
    'f:spec': {
      'f:config': { 'f:deep': { '.': {}, 'f:k': {} } },
      'f:ports': { 'k:{"name":"http"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
      'f:size': {}, 'f:tags': {},
    },
  });
});

test('status subresource: its writer owns status fields only, under its own entry', () => {
  const dep = applied(undefined, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1 } }, { schemaName: DEPLOYMENT });
  const withStatus = { ...structuredClone(dep), status: { replicas: 1 } };
  const managedFields = updateManagedFields({ old: dep, updated: withStatus, manager: 'skiff-controller-manager', operation: 'Update', subresource: 'status', now: T1, apiVersion: 'apps/v1', schemaName: DEPLOYMENT, resolver: fixtureResolver });
  const statusEntry = managedFields.find((e) => e.subresource === 'status');
  assert.deepEqual(statusEntry?.fieldsV1, { 'f:status': { 'f:replicas': {} } });
  assert.equal(statusEntry?.manager, 'skiff-controller-manager');
  assert.ok(managedFields.some((e) => e.manager === 'kubectl' && e.operation === 'Apply'), 'the spec applier keeps its entry');
});

test('kubectl server-side apply takes over from client-side apply where the last-applied annotation still holds', () => {
  const config = podConfig('nginx:1.27');
  const live = createdByClientSideApply('nginx:1.27');
  (live.metadata as { annotations: Record<string, string> }).annotations['kubectl.kubernetes.io/last-applied-configuration'] = JSON.stringify(config);
  const upgraded = applied(live, podConfig('nginx:1.28'));
  assert.equal((upgraded.spec as { containers: Obj[] }).containers[0]?.image, 'nginx:1.28');
  assert.ok(!JSON.stringify(entry(upgraded, 'kubectl-client-side-apply', 'Update')?.fieldsV1).includes('f:image"'), 'ownership moved');
  assert.deepEqual(apply(live, podConfig('nginx:1.28'), { manager: 'helm' }).conflicts?.map((c) => c.field), ['.spec.containers[name="nginx"].image'], 'only for the kubectl manager');
  const drifted = structuredClone(live);
  (drifted.spec as { containers: Obj[] }).containers[0]!.image = 'nginx:edited';
  assert.deepEqual(apply(drifted, podConfig('nginx:1.28')).conflicts?.map((c) => c.field), ['.spec.containers[name="nginx"].image'], 'not where the live value moved away from last-applied');
});

test('more than 10 Update managers: the oldest fold into ancient-changes', () => {
  let obj: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  for (let i = 0; i < 12; i++) {
    const next = structuredClone(obj);
    (next.metadata as { labels?: Record<string, string> }).labels = { ...(obj.metadata?.labels ?? {}), [`l${i}`]: 'x' };
    const managedFields = updateManagedFields({ old: i === 0 ? undefined : obj, updated: next, manager: `writer-${String(i).padStart(2, '0')}`, operation: 'Update', now: new Date(T0.getTime() + i * 1000), apiVersion: 'v1', schemaName: POD, resolver: fixtureResolver });
    obj = { ...next, metadata: { ...next.metadata, managedFields } };
  }
  const entries = obj.metadata?.managedFields ?? [];
  assert.equal(entries.length, 10);
  const ancient = entries.find((e) => e.manager === 'ancient-changes');
  assert.ok(ancient, JSON.stringify(entries.map((e) => e.manager)));
  assert.ok(!entries.some((e) => e.manager === 'writer-00' || e.manager === 'writer-02'));
  assert.ok(JSON.stringify(ancient.fieldsV1).includes('f:l1'), 'folded fields keep their owner bucket');
});

test('Update entries mark pointer structs with "." and value structs without, as upstream', () => {
  const dep: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
  const [e] = updateManagedFields({ old: undefined, updated: dep, manager: 'kubectl-create', operation: 'Update', now: T0, apiVersion: 'apps/v1', schemaName: DEPLOYMENT, resolver: fixtureResolver });
  assert.deepEqual(e?.fieldsV1, { 'f:spec': { 'f:replicas': {}, 'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {} }, 'f:type': {} } } });
});
