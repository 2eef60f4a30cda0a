/**
 * The patch engine over the schemas the API server really serves (src/api/openapi), not the
 * test fixture: merge keys, list types and map types must come through its resolver.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistry } from '../../api/index.js';
import type { KubeObject } from '../../api/types.js';
import { buildOpenApi } from '../../api/openapi/index.js';
import { applyStrategicMergePatch } from './strategic/apply.js';
import { serverSideApply } from './ssa/apply.js';
import { updateManagedFields } from './ssa/update.js';

const resolver = buildOpenApi(builtinRegistry().all()).schemaResolver;
const POD = 'io.k8s.api.core.v1.Pod';
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const NOW = new Date('2026-03-04T05:06:07Z');

test('real schemas: a defaulted pod created by client-side apply gets upstream-shaped managedFields', () => {
  const pod: KubeObject = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: {
      containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], imagePullPolicy: 'Always', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
      dnsPolicy: 'ClusterFirst', enableServiceLinks: true, restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30,
    },
    status: { phase: 'Pending' },
  };
  const [entry] = updateManagedFields({ old: undefined, updated: pod, manager: 'kubectl-client-side-apply', operation: 'Update', now: NOW, apiVersion: 'v1', schemaName: POD, resolver });
  assert.deepEqual(entry?.fieldsV1, {
    'f:metadata': {
      'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} },
      'f:labels': { '.': {}, 'f:app': {} },
    },
    'f:spec': {
      'f:containers': {
        'k:{"name":"nginx"}': {
          '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {},
          'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
          'f:resources': {}, 'f:terminationMessagePath': {}, 'f:terminationMessagePolicy': {},
        },
      },
      'f:dnsPolicy': {}, 'f:enableServiceLinks': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:securityContext': {}, 'f:terminationGracePeriodSeconds': {},
    },
  });
});

test('real schemas: strategic merge patch merges containers, env and ports by key and honours retainKeys', () => {
  const dep = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { spec: { containers: [{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] }, { name: 'b', image: 'b:1' }] } },
    },
  };
  const patch = {
    spec: {
      strategy: { $retainKeys: ['type'], type: 'Recreate' },
      template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'a:2', env: [{ name: 'Y', value: '2' }] }] } },
    },
  };
  const r = applyStrategicMergePatch(dep, patch, resolver, DEPLOYMENT);
  assert.equal(r.error, undefined, r.error?.message);
  const spec = r.object?.spec as { strategy: unknown; template: { spec: { containers: unknown[] } } };
  assert.deepEqual(spec.strategy, { type: 'Recreate' });
  assert.deepEqual(spec.template.spec.containers, [{ name: 'a', image: 'a:2', env: [{ name: 'Y', value: '2' }, { name: 'X', value: '1' }] }, { name: 'b', image: 'b:1' }]);
});

test('real schemas: server-side apply conflict after a client-side apply, as in the contract', () => {
  const created: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx', namespace: 'default' }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } };
  const managedFields = updateManagedFields({ old: undefined, updated: created, manager: 'kubectl-client-side-apply', operation: 'Update', now: NOW, apiVersion: 'v1', schemaName: POD, resolver });
  const live = { ...created, metadata: { ...created.metadata, managedFields } };
  const r = serverSideApply({ live, applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx' }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } }, manager: 'kubectl', force: false, schemaName: POD, resolver, now: NOW });
  assert.deepEqual(r.conflicts, [{ manager: '"kubectl-client-side-apply" using v1', field: '.spec.containers[name="nginx"].image' }]);
});
