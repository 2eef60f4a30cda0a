/** Hostile and malformed requests: every one gets a 4xx Status, none a 5xx, nothing breaks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiClient, startServer, type ApiClient } from './helpers/server.js';

type Case = [method: string, path: string, opts: Parameters<ApiClient['request']>[2]];

const cm = '/api/v1/namespaces/default/configmaps';
const cases: Case[] = [
  ['POST', cm, { body: [] }], ['POST', cm, { body: 5 }], ['POST', cm, { body: 'null' }], ['POST', cm, { body: '' }],
  ['POST', cm, { body: { metadata: null } }], ['POST', cm, { body: { metadata: { name: 5 } } }], ['POST', cm, { body: { metadata: { name: 'a/b' } } }],
  ['POST', cm, { body: { metadata: { name: 'x', labels: 'a' } } }], ['POST', cm, { body: { metadata: { name: 'x', finalizers: 'a' } } }],
  ['POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'p' }, spec: { containers: 'x' } } }],
  ['POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'p' }, spec: null } }],
  ['POST', '/apis/apps/v1/namespaces/default/deployments', { body: { metadata: { name: 'd2' }, spec: { replicas: 'x' } } }],
  ['POST', `${cm}/c`, { body: {} }], ['POST', '/api/v1/configmaps', { body: { metadata: { name: 'z' } } }],
  ['PUT', `${cm}/c`, { body: { metadata: { name: 'other' } } }], ['PUT', `${cm}/c`, { body: { metadata: { name: 'c', resourceVersion: 'abc' } } }],
  ['PATCH', `${cm}/c`, { body: [{ op: 'replace', path: '', value: 5 }], contentType: 'application/json-patch+json' }],
  ['PATCH', `${cm}/c`, { body: [{ op: 'bogus' }], contentType: 'application/json-patch+json' }],
  ['PATCH', `${cm}/c`, { body: { metadata: { name: 'zz' } }, contentType: 'application/merge-patch+json' }],
  ['PATCH', `${cm}/c`, { body: '[1,2]', contentType: 'application/strategic-merge-patch+json' }],
  ['PATCH', `${cm}/c?fieldManager=x`, { body: '- a\n- b', contentType: 'application/apply-patch+yaml' }],
  ['PATCH', `${cm}/c?fieldManager=x`, { body: 'a: *b', contentType: 'application/apply-patch+yaml' }],
  ['PATCH', `${cm}/c`, { body: '{}', contentType: 'application/xml' }],
  ['PATCH', '/apis/apps/v1/namespaces/default/deployments/d/scale', { body: { spec: { replicas: -1 } }, contentType: 'application/merge-patch+json' }],
  ['GET', `${cm}?limit=abc`, {}], ['GET', `${cm}?resourceVersion=abc`, {}], ['GET', `${cm}?labelSelector=a+in+(`, {}],
  ['GET', `${cm}?fieldSelector=a`, {}], ['GET', `${cm}?continue=eyJ9`, {}], ['GET', `${cm}/%`, {}], ['GET', `${cm}/..`, {}],
  ['GET', '/api/v1/namespaces//configmaps', {}], ['GET', '/apis//v1/x', {}], ['GET', '/openapi/v3/apis/nope/v1', {}],
  ['DELETE', `${cm}/c`, { body: '{bad' }], ['DELETE', `${cm}/c`, { body: { gracePeriodSeconds: -5 } }], ['DELETE', `${cm}/c`, { body: { preconditions: 'x' } }],
  ['DELETE', '/api/v1/namespaces/default/configmaps/..', {}],
  ['POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: { metadata: { name: 'x.y' }, spec: {} } }],
  ['POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: { metadata: { name: 'deployments.apps' }, spec: { group: 'apps', names: { plural: 'deployments', kind: 'Deployment' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] } } }],
  ['OPTIONS', '/api/v1/namespaces', {}],
];

test('malformed requests get 4xx Status bodies and change nothing', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const api = apiClient(server.kubeconfigPath);
  assert.equal((await api.request('POST', cm, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } } })).status, 201);
  const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  assert.equal((await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deploy })).status, 201);
  for (const [method, path, opts] of cases) {
    const r = await api.request(method, path, opts);
    assert.ok(r.status >= 400 && r.status < 500, `${method} ${path} ${JSON.stringify(opts?.body ?? '')}: ${r.status} ${r.text}`);
    if (r.text) assert.equal(r.json<{ kind: string }>().kind, 'Status', `${method} ${path}`);
  }
  const c = await api.request('GET', `${cm}/c`);
  assert.deepEqual(c.json<{ data: unknown }>().data, { k: 'v' });
  assert.equal((await api.request('GET', '/api/v1/namespaces/default')).status, 200, 'the namespace survived DELETE .../configmaps/..');
  assert.equal((await api.request('GET', '/healthz')).text, 'ok');
});
