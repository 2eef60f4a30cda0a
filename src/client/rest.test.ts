import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RestClient } from './rest.js';
import { StatusError } from './errors.js';
import { Discovery, findResource, resourcePath } from './discovery.js';

/** A small real HTTP server standing in for the API server's wire behaviour. */
async function startFakeApi(t: { after(fn: () => unknown): void }): Promise<{ url: string; seen: http.IncomingHttpHeaders[] }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/v1/namespaces/default/pods/missing') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "missing" not found', reason: 'NotFound', code: 404 }));
      return;
    }
    if (url.pathname === '/api/v1/namespaces/default/pods' && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      // Two events split across writes, the second without a trailing newline.
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MOD');
      setTimeout(() => res.end('IFIED","object":{"metadata":{"name":"a"}}}'), 20);
      return;
    }
    if (url.pathname === '/api' || url.pathname === '/apis') {
      const items = url.pathname === '/api'
        ? [{ metadata: { name: '' }, versions: [{ version: 'v1', resources: [{ resource: 'pods', responseKind: { kind: 'Pod' }, scope: 'Namespaced', singularResource: 'pod', verbs: ['get'], shortNames: ['po'] }] }] }]
        : [{ metadata: { name: 'apps' }, versions: [{ version: 'v1', resources: [{ resource: 'deployments', responseKind: { kind: 'Deployment' }, scope: 'Namespaced', singularResource: 'deployment', verbs: ['get'], shortNames: ['deploy'], categories: ['all'] }] }] }];
      res.writeHead(200, { 'Content-Type': 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
      res.end(JSON.stringify({ kind: 'APIGroupDiscoveryList', items }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Pod', metadata: { name: 'ok' }, query: url.search }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

test('rest client: bearer token, query strings, Status errors and streamed watch events', async (t) => {
  const api = await startFakeApi(t);
  const client = new RestClient({ server: api.url, token: 'secret-token', namespace: 'default', contextName: 'x' });
  t.after(() => client.close());
  const pod = await client.get<{ query: string }>('/api/v1/namespaces/default/pods/ok', { labelSelector: 'app=x', limit: 500 });
  assert.equal(pod.query, '?labelSelector=app%3Dx&limit=500');
  assert.equal(api.seen[0]?.authorization, 'Bearer secret-token');
  await assert.rejects(client.get('/api/v1/namespaces/default/pods/missing'), (err: unknown) =>
    err instanceof StatusError && err.code === 404 && err.reason === 'NotFound' && err.message === 'pods "missing" not found');
  const events: string[] = [];
  for await (const ev of client.watch<{ metadata: { name: string } }>('/api/v1/namespaces/default/pods', { resourceVersion: '5' })) {
    events.push(`${ev.type}/${ev.object.metadata.name}`);
  }
  assert.deepEqual(events, ['ADDED/a', 'MODIFIED/a']);
});

test('discovery: aggregated documents, short names, kinds, group-qualified names, categories', async (t) => {
  const api = await startFakeApi(t);
  const client = new RestClient({ server: api.url, namespace: 'default', contextName: 'x' });
  t.after(() => client.close());
  const discovery = new Discovery(client);
  const all = await discovery.allResources();
  assert.equal(findResource(all, 'po')?.resource, 'pods');
  assert.equal(findResource(all, 'Pod')?.resource, 'pods');
  assert.equal(findResource(all, 'PODS')?.resource, 'pods');
  assert.equal(findResource(all, 'PO'), undefined, 'short names match exactly');
  assert.equal(findResource(all, 'deployments.apps')?.kind, 'Deployment');
  assert.equal(findResource(all, 'deploy.v1.apps')?.kind, 'Deployment');
  assert.deepEqual((await discovery.resolve('all')).map((r) => r.resource), ['deployments']);
  await assert.rejects(discovery.resolve('nope'), /the server doesn't have a resource type "nope"/);
  const deploy = findResource(all, 'deploy');
  assert.ok(deploy);
  assert.equal(resourcePath(deploy, { namespace: 'ns1', name: 'web', subresource: 'scale' }), '/apis/apps/v1/namespaces/ns1/deployments/web/scale');
});
