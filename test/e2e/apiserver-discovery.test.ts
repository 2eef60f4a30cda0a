/** Discovery, version, OpenAPI, health and metrics endpoints; CRDs appear and disappear. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, eventually, startServer, type ApiClient, type TestServer } from './helpers/server.js';

const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
type Aggregated = { kind: string; items: Array<{ metadata: { name: string }; versions: Array<{ version: string; resources: Array<{ resource: string; responseKind: { kind: string }; scope: string; shortNames?: string[]; subresources?: Array<{ subresource: string; responseKind: { group: string; kind: string } }> }> }> }> };

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.org' },
  spec: {
    group: 'example.org', scope: 'Cluster', names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } }],
  },
};

describe('apiserver: discovery, OpenAPI, health, metrics, CRDs', () => {
  let server: TestServer;
  let api: ApiClient;
  before(async () => {
    server = await startServer();
    api = apiClient(server.kubeconfigPath);
  });
  after(async () => { await server?.stop(); });

  test('/version reports Kubernetes 1.32', async () => {
    const v = (await api.request('GET', '/version')).json<{ major: string; minor: string; gitVersion: string }>();
    assert.equal(v.major, '1');
    assert.equal(v.minor, '32');
    assert.match(v.gitVersion, /^v1\.32\./);
  });

  test('aggregated discovery has the exact media type, responseKind, scope and scale subresource', async () => {
    const r = await api.request('GET', '/apis', { accept: aggregatedAccept });
    assert.equal(r.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const doc = r.json<Aggregated>();
    assert.equal(doc.kind, 'APIGroupDiscoveryList');
    const apps = doc.items.find((g) => g.metadata.name === 'apps');
    const deploy = apps?.versions[0]?.resources.find((x) => x.resource === 'deployments');
    assert.equal(deploy?.responseKind.kind, 'Deployment');
    assert.equal(deploy?.scope, 'Namespaced');
    assert.deepEqual(deploy?.shortNames, ['deploy']);
    const scale = deploy?.subresources?.find((s) => s.subresource === 'scale');
    assert.deepEqual(scale?.responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const core = (await api.request('GET', '/api', { accept: aggregatedAccept })).json<Aggregated>();
    assert.equal(core.items[0]?.metadata.name, '');
    assert.ok(core.items[0]?.versions[0]?.resources.some((x) => x.resource === 'pods'));
  });

  test('legacy discovery when aggregated is not asked for', async () => {
    const api0 = (await api.request('GET', '/api')).json<{ kind: string; versions: string[] }>();
    assert.equal(api0.kind, 'APIVersions');
    assert.deepEqual(api0.versions, ['v1']);
    const groups = (await api.request('GET', '/apis')).json<{ kind: string; groups: Array<{ name: string }> }>();
    assert.equal(groups.kind, 'APIGroupList');
    assert.ok(groups.groups.some((g) => g.name === 'apps'));
    const v1 = (await api.request('GET', '/api/v1')).json<{ kind: string; resources: Array<{ name: string; kind: string }> }>();
    assert.equal(v1.kind, 'APIResourceList');
    assert.ok(v1.resources.some((x) => x.name === 'pods/status'));
    const appsV1 = (await api.request('GET', '/apis/apps/v1')).json<{ resources: Array<{ name: string; kind: string }> }>();
    assert.equal(appsV1.resources.find((x) => x.name === 'deployments/scale')?.kind, 'Scale');
    assert.equal((await api.request('GET', '/apis/nope.example/v1')).status, 404);
  });

  test('OpenAPI v3: root index, hashed documents with ETag and immutable caching; v2 without definitions', async () => {
    const root = (await api.request('GET', '/openapi/v3')).json<{ paths: Record<string, { serverRelativeURL: string }> }>();
    const url = root.paths['api/v1']?.serverRelativeURL;
    assert.match(String(url), /^\/openapi\/v3\/api\/v1\?hash=\w+$/);
    assert.ok(root.paths['apis/apps/v1']);
    const doc = await api.request('GET', String(url));
    assert.equal(doc.status, 200);
    assert.match(String(doc.headers['cache-control']), /immutable/);
    const etag = String(doc.headers.etag);
    const body = doc.json<{ paths: Record<string, { patch?: { parameters?: Array<{ name: string }> } }>; components: { schemas: Record<string, unknown> } }>();
    assert.ok(body.components.schemas['io.k8s.api.core.v1.Pod']);
    assert.ok(body.paths['/api/v1/namespaces/{namespace}/pods/{name}']?.patch?.parameters?.some((p) => p.name === 'fieldValidation'));
    const again = await api.request('GET', String(url), { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    const v2 = await api.request('GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    // A Swagger 2.0 document without definitions (kubectl reads it only to validate a kind: List).
    assert.equal(v2.status, 200);
    assert.match(String(v2.headers['content-type']), /proto-openapi\.spec\.v2/);
    assert.ok(v2.text.startsWith('\n\u00032.0'), 'protobuf Document.swagger = "2.0"');
    const v2json = await api.request('GET', '/openapi/v2');
    assert.equal(v2json.json<{ swagger: string }>().swagger, '2.0');
  });

  test('health endpoints and metrics by verb, resource and code', async () => {
    for (const p of ['/healthz', '/readyz', '/livez']) assert.equal((await api.request('GET', p)).text, 'ok');
    await api.request('GET', '/api/v1/namespaces/default/pods');
    await api.request('GET', '/api/v1/namespaces/default/pods/missing');
    const m = (await api.request('GET', '/metrics')).text;
    assert.match(m, /apiserver_request_total\{verb="LIST",resource="pods",code="200"\} \d+/);
    assert.match(m, /apiserver_request_total\{verb="GET",resource="pods",code="404"\} \d+/);
    assert.match(m, /apiserver_request_duration_seconds_bucket/);
  });

  test('unknown paths and resources are 404 Status; unsupported verbs 405', async () => {
    const r = await api.request('GET', '/api/v1/namespaces/default/nothings');
    assert.equal(r.status, 404);
    assert.equal(r.json<{ kind: string }>().kind, 'Status');
    const clusterInNs = await api.request('GET', '/api/v1/namespaces/default/nodes');
    assert.equal(clusterInNs.status, 404);
    const put = await api.request('PUT', '/api/v1/namespaces/default/configmaps', { body: {} });
    assert.equal(put.status, 405);
  });

  test('a CRD registers its resource at once, gets conditions, and unregisters on delete', async () => {
    const r = await api.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd });
    assert.equal(r.status, 201, r.text);
    const status = r.json<{ status: { conditions: Array<{ type: string; status: string }>; acceptedNames: { kind: string } } }>().status;
    assert.ok(status.conditions.some((c) => c.type === 'Established' && c.status === 'True'));
    assert.ok(status.conditions.some((c) => c.type === 'NamesAccepted' && c.status === 'True'));
    assert.equal(status.acceptedNames.kind, 'Gadget');
    const gv = (await api.request('GET', '/apis/example.org/v1alpha1')).json<{ resources: Array<{ name: string }> }>();
    assert.deepEqual(gv.resources.map((x) => x.name), ['gadgets', 'gadgets/status']);
    const created = await api.request('POST', '/apis/example.org/v1alpha1/gadgets', { body: { apiVersion: 'example.org/v1alpha1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { n: 1 } } });
    assert.equal(created.status, 201, created.text);
    const badType = await api.request('POST', '/apis/example.org/v1alpha1/gadgets', { body: { apiVersion: 'example.org/v1alpha1', kind: 'Gadget', metadata: { name: 'g2' }, spec: { n: 'one' } } });
    assert.equal(badType.status, 422, badType.text);
    const st = await api.request('PATCH', '/apis/example.org/v1alpha1/gadgets/g1/status', { body: { status: { ok: true }, spec: { n: 5 } }, contentType: 'application/merge-patch+json' });
    assert.equal(st.status, 200, st.text);
    assert.deepEqual(st.json<{ spec: unknown; status: unknown }>().spec, { n: 1 });
    const root = (await api.request('GET', '/openapi/v3')).json<{ paths: Record<string, unknown> }>();
    assert.ok(root.paths['apis/example.org/v1alpha1'], 'the CRD has an OpenAPI document');
    const del = await api.request('DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.org');
    assert.equal(del.status, 200);
    await eventually(async () => (await api.request('GET', '/apis/example.org/v1alpha1/gadgets')).status === 404);
  });

  test('CRDs in the store are served again after a restart', async () => {
    await api.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: { ...crd, metadata: { name: 'gadgets.example.org' } } });
    await api.request('POST', '/apis/example.org/v1alpha1/gadgets', { body: { apiVersion: 'example.org/v1alpha1', kind: 'Gadget', metadata: { name: 'kept' }, spec: { n: 2 } } });
    await server.kill('SIGTERM');
    server = await startServer({ dataDir: server.dataDir, ownsDataDir: true });
    api = apiClient(server.kubeconfigPath);
    const got = await api.request('GET', '/apis/example.org/v1alpha1/gadgets/kept');
    assert.equal(got.status, 200, got.text);
  });
});
