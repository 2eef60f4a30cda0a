import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistry } from './builtin.js';
import type { KubeObject } from './types.js';

function widgetCRD(shortNames: string[] = ['wd']): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames, categories: ['all'] },
      versions: [
        { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
    },
  };
}

test('kubectl-style names resolve case-insensitively to the preferred version', () => {
  const r = builtinRegistry();
  const cases: Array<[string, string | undefined]> = [
    ['po', '/v1/pods'], ['pod', '/v1/pods'], ['pods', '/v1/pods'], ['Pod', '/v1/pods'], ['PODS', '/v1/pods'],
    ['deploy', 'apps/v1/deployments'], ['deployment', 'apps/v1/deployments'], ['deployments.apps', 'apps/v1/deployments'],
    ['deploy.apps', 'apps/v1/deployments'], ['deployments.v1.apps', 'apps/v1/deployments'],
    ['svc', '/v1/services'], ['ns', '/v1/namespaces'], ['no', '/v1/nodes'], ['ep', '/v1/endpoints'], ['cm', '/v1/configmaps'],
    ['sa', '/v1/serviceaccounts'], ['pv', '/v1/persistentvolumes'], ['pvc', '/v1/persistentvolumeclaims'],
    ['rs', 'apps/v1/replicasets'], ['sts', 'apps/v1/statefulsets'], ['ds', 'apps/v1/daemonsets'],
    ['cj', 'batch/v1/cronjobs'], ['job', 'batch/v1/jobs'], ['hpa', 'autoscaling/v2/horizontalpodautoscalers'],
    ['crd', 'apiextensions.k8s.io/v1/customresourcedefinitions'], ['crds', 'apiextensions.k8s.io/v1/customresourcedefinitions'],
    ['lease', 'coordination.k8s.io/v1/leases'], ['endpointslices', 'discovery.k8s.io/v1/endpointslices'],
    // The core group wins the `ev` tie, as kubectl picks it.
    ['ev', '/v1/events'], ['events.events.k8s.io', 'events.k8s.io/v1/events'],
    ['deployments.batch', undefined], ['nope', undefined],
  ];
  for (const [name, want] of cases) {
    const rt = r.resolve(name);
    assert.equal(rt ? `${rt.group}/${rt.version}/${rt.plural}` : undefined, want, name);
  }
});

test('discovery order: core first, then upstream group order, plurals sorted', () => {
  const r = builtinRegistry();
  assert.deepEqual(r.groups().map((g) => g.name), ['', 'apps', 'events.k8s.io', 'autoscaling', 'batch', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io']);
  assert.deepEqual(r.resourcesIn('apps', 'v1').map((x) => x.plural), ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
  // `kubectl get all` expands the category in this order.
  assert.deepEqual(r.category('all').map((x) => x.plural), ['pods', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers', 'cronjobs', 'jobs']);
});

test('lookups by group/version/plural, kind and object', () => {
  const r = builtinRegistry();
  assert.equal(r.get('apps', 'v1', 'deployments')?.kind, 'Deployment');
  assert.equal(r.get('', 'v1', 'deployments'), undefined);
  assert.equal(r.forKind('Event')?.group, '');
  assert.equal(r.forKind('Event', 'events.k8s.io')?.group, 'events.k8s.io');
  assert.equal(r.forObject({ apiVersion: 'batch/v1', kind: 'CronJob' })?.plural, 'cronjobs');
  assert.equal(r.forObject({ apiVersion: 'v1', kind: 'ConfigMap' })?.plural, 'configmaps');
  const pods = r.get('', 'v1', 'pods');
  assert.deepEqual(pods?.subresources, ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'status']);
  assert.equal(r.get('', 'v1', 'namespaces')?.verbs.includes('deletecollection'), false);
  assert.equal(r.get('apps', 'v1', 'statefulsets')?.scale?.specReplicasPath, '.spec.replicas');
});

test('CRDs add and remove their resources; built-ins cannot be shadowed', () => {
  const r = builtinRegistry();
  const before = r.generation;
  const types = r.applyCRD(widgetCRD());
  assert.deepEqual(types.map((t) => t.version), ['v1beta1', 'v1']);
  assert.ok(r.generation > before);
  assert.deepEqual(r.groups().at(-1), { name: 'example.com', versions: ['v1', 'v1beta1'] });
  assert.equal(r.resolve('wd')?.version, 'v1');
  assert.equal(r.resolve('widget')?.kind, 'Widget');
  assert.equal(r.resolve('widgets.v1beta1.example.com')?.version, 'v1beta1');
  assert.ok(r.category('all').some((t) => t.plural === 'widgets'));
  // Re-applying with changed names replaces the old entries.
  r.applyCRD(widgetCRD(['wg']));
  assert.equal(r.resolve('wd'), undefined);
  assert.equal(r.resolve('wg')?.plural, 'widgets');
  assert.equal(r.removeCRD(widgetCRD()), true);
  assert.equal(r.resolve('widgets'), undefined);
  assert.equal(r.groups().some((g) => g.name === 'example.com'), false);
  const pods = r.get('', 'v1', 'pods');
  assert.ok(pods);
  assert.throws(() => r.addCustom(pods), /built-in/);
});
