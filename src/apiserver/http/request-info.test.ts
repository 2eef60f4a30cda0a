import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTarget, splitUrl } from './request-info.js';

test('parseTarget maps API paths to what they address', () => {
  const cases: Array<[string, ReturnType<typeof parseTarget>]> = [
    ['/api/v1/namespaces/default/pods', { kind: 'resource', group: '', version: 'v1', namespace: 'default', plural: 'pods' }],
    ['/api/v1/namespaces/default/pods/web/status', { kind: 'resource', group: '', version: 'v1', namespace: 'default', plural: 'pods', name: 'web', subresource: 'status' }],
    ['/api/v1/pods', { kind: 'resource', group: '', version: 'v1', plural: 'pods' }],
    ['/api/v1/namespaces', { kind: 'resource', group: '', version: 'v1', plural: 'namespaces' }],
    ['/api/v1/namespaces/kube-system', { kind: 'resource', group: '', version: 'v1', plural: 'namespaces', name: 'kube-system' }],
    ['/api/v1/namespaces/x/finalize', { kind: 'resource', group: '', version: 'v1', plural: 'namespaces', name: 'x', subresource: 'finalize' }],
    ['/apis/apps/v1/namespaces/d/deployments/web/scale', { kind: 'resource', group: 'apps', version: 'v1', namespace: 'd', plural: 'deployments', name: 'web', subresource: 'scale' }],
    ['/apis/apiextensions.k8s.io/v1/customresourcedefinitions/a.b', { kind: 'resource', group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', name: 'a.b' }],
    ['/apis/apps/v1', { kind: 'group-version', group: 'apps', version: 'v1' }],
    ['/api/v1', { kind: 'group-version', group: '', version: 'v1' }],
    ['/apis/apps', { kind: 'other', path: '/apis/apps' }],
    ['/healthz', { kind: 'other', path: '/healthz' }],
    ['/api/v1/namespaces/default/configmaps/a%20b', { kind: 'resource', group: '', version: 'v1', namespace: 'default', plural: 'configmaps', name: 'a b' }],
  ];
  for (const [path, want] of cases) assert.deepEqual(parseTarget(path), want, path);
});

test('dot segments and empty segments address nothing; bad escapes are 400', () => {
  for (const path of ['/api/v1/namespaces/default/configmaps/..', '/api/v1/namespaces//configmaps', '/api/v1/namespaces/%2e%2e/configmaps']) {
    assert.equal(parseTarget(path).kind, 'other', path);
  }
  assert.throws(() => parseTarget('/api/v1/namespaces/default/configmaps/%'), /invalid path segment/);
  assert.deepEqual(splitUrl('/api/v1/pods/../x?watch=1'), { pathname: '/api/v1/pods/../x', query: new URLSearchParams('watch=1') });
});
