import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinRegistry } from './builtin.js';
import { aggregatedCoreDiscovery, aggregatedGroupsDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, storageVersionHash } from './discovery.js';

test('aggregated /api holds the core group with pods and their subresources', () => {
  const doc = aggregatedCoreDiscovery(builtinRegistry());
  assert.equal(doc.kind, 'APIGroupDiscoveryList');
  assert.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.deepEqual(doc.items.map((i) => i.metadata.name), ['']);
  const v1 = doc.items[0]?.versions[0];
  assert.equal(v1?.version, 'v1');
  assert.equal(v1?.freshness, 'Current');
  const pods = v1?.resources.find((r) => r.resource === 'pods');
  assert.deepEqual(pods && { ...pods, subresources: undefined }, {
    resource: 'pods', responseKind: { group: '', version: 'v1', kind: 'Pod' }, scope: 'Namespaced', singularResource: 'pod',
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'], subresources: undefined,
  });
  assert.deepEqual(pods?.subresources?.map((s) => [s.subresource, s.responseKind.kind, s.verbs.join(',')]), [
    ['attach', 'PodAttachOptions', 'create,get'], ['binding', 'Binding', 'create'], ['ephemeralcontainers', 'Pod', 'get,patch,update'],
    ['eviction', 'Eviction', 'create'], ['exec', 'PodExecOptions', 'create,get'], ['log', 'Pod', 'get'],
    ['portforward', 'PodPortForwardOptions', 'create,get'], ['status', 'Pod', 'get,patch,update'],
  ]);
  const nodes = v1?.resources.find((r) => r.resource === 'nodes');
  assert.equal(nodes?.scope, 'Cluster');
  assert.equal(nodes?.categories, undefined);
  assert.equal(v1?.resources.find((r) => r.resource === 'secrets')?.shortNames, undefined);
});

test('aggregated /apis: groups in upstream order, scale answers with autoscaling/v1 Scale', () => {
  const doc = aggregatedGroupsDiscovery(builtinRegistry());
  assert.deepEqual(doc.items.map((i) => i.metadata.name), ['apps', 'events.k8s.io', 'autoscaling', 'batch', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io']);
  const deploy = doc.items[0]?.versions[0]?.resources.find((r) => r.resource === 'deployments');
  assert.deepEqual(deploy?.subresources, [
    { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
  ]);
  const crd = doc.items.find((i) => i.metadata.name === 'apiextensions.k8s.io')?.versions[0]?.resources[0];
  assert.deepEqual([crd?.resource, crd?.shortNames, crd?.categories, crd?.scope], ['customresourcedefinitions', ['crd', 'crds'], ['api-extensions'], 'Cluster']);
});

test('legacy documents: APIVersions, APIGroupList, APIGroup, APIResourceList', () => {
  const r = builtinRegistry();
  assert.deepEqual(apiVersions('127.0.0.1:6443'), { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] });
  const groups = apiGroupList(r) as { groups: Array<{ name: string; preferredVersion: unknown }> };
  assert.equal(groups.groups[0]?.name, 'apps');
  assert.deepEqual(groups.groups.find((g) => g.name === 'autoscaling')?.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
  assert.deepEqual(apiGroup(r, 'batch'), { kind: 'APIGroup', apiVersion: 'v1', name: 'batch', versions: [{ groupVersion: 'batch/v1', version: 'v1' }], preferredVersion: { groupVersion: 'batch/v1', version: 'v1' } });
  assert.equal(apiGroup(r, 'nope.example.com'), undefined);
  assert.equal(apiResourceList(r, 'apps', 'v2'), undefined);
  const apps = apiResourceList(r, 'apps', 'v1') as { groupVersion: string; resources: Array<Record<string, unknown>> };
  assert.equal(apps.groupVersion, 'apps/v1');
  assert.deepEqual(apps.resources.find((x) => x['name'] === 'deployments/scale'), { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  assert.deepEqual(apps.resources.find((x) => x['name'] === 'deployments'), {
    name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['deploy'], categories: ['all'], storageVersionHash: storageVersionHash('apps', 'v1', 'Deployment'),
  });
  const core = apiResourceList(r, '', 'v1') as { groupVersion: string; resources: Array<Record<string, unknown>> };
  assert.equal(core.groupVersion, 'v1');
  assert.deepEqual(core.resources.find((x) => x['name'] === 'pods/status'), { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
  assert.deepEqual(core.resources.find((x) => x['name'] === 'pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  // Upstream's value for core pods, so cached discovery from a real cluster stays comparable.
  assert.equal(storageVersionHash('', 'v1', 'Pod'), 'xPOwRZ+Yhw8=');
});
