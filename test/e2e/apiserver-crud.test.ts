/** The REST API at the HTTP level: authentication, CRUD, admission, bad input, deletion. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, eventually, startServer, type ApiClient, type TestServer } from './helpers/server.js';

type Obj = { metadata: { name: string; resourceVersion: string; uid: string; generation?: number; deletionTimestamp?: string; finalizers?: string[]; labels?: Record<string, string> }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
type StatusBody = { kind: string; reason: string; message: string; code: number; details?: { causes?: Array<{ field: string; reason: string }> } };

const pod = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...extra }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const cm = (name: string, data: Record<string, string> = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const deployment = (name: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});

describe('apiserver: CRUD over HTTPS', () => {
  let server: TestServer;
  let api: ApiClient;
  before(async () => {
    // The API alone: no controller may act on what these tests write (e.g. the GC on finalizers).
    server = await startServer({ extraArgs: ['--no-controllers'] });
    api = apiClient(server.kubeconfigPath);
  });
  after(async () => { await server?.stop(); });

  test('no client certificate: 401 Status; the bearer token works; health is open', async () => {
    const r = await api.request('GET', '/api/v1/namespaces', { noAuth: true });
    assert.equal(r.status, 401);
    assert.equal(r.json<StatusBody>().reason, 'Unauthorized');
    const { readFileSync } = await import('node:fs');
    const token = readFileSync(`${server.dataDir}/admin-token`, 'utf8').trim();
    const withToken = await api.request('GET', '/api/v1/namespaces', { noAuth: true, headers: { Authorization: `Bearer ${token}` } });
    assert.equal(withToken.status, 200);
    const wrongToken = await api.request('GET', '/api/v1/namespaces', { noAuth: true, headers: { Authorization: 'Bearer nope' } });
    assert.equal(wrongToken.status, 401);
    const health = await api.request('GET', '/healthz', { noAuth: true });
    assert.equal(health.status, 200);
    assert.equal(health.text, 'ok');
  });

  test('create returns 201 with server fields; get returns it; duplicate is 409 AlreadyExists', async () => {
    const r = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm('c1') });
    assert.equal(r.status, 201);
    const created = r.json<Obj>();
    assert.match(created.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(created.metadata.resourceVersion, /^\d+$/);
    const got = await api.request('GET', '/api/v1/namespaces/default/configmaps/c1');
    assert.equal(got.json<Obj>().metadata.uid, created.metadata.uid);
    const dup = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm('c1') });
    assert.equal(dup.status, 409);
    assert.equal(dup.json<StatusBody>().reason, 'AlreadyExists');
    assert.equal(dup.json<StatusBody>().message, 'configmaps "c1" already exists');
  });

  test('PUT with a stale resourceVersion is 409 Conflict; with the current one it updates', async () => {
    const cur = (await api.request('GET', '/api/v1/namespaces/default/configmaps/c1')).json<Obj & { data: Record<string, string> }>();
    const ok = await api.request('PUT', '/api/v1/namespaces/default/configmaps/c1', { body: { ...cur, data: { a: '2' } } });
    assert.equal(ok.status, 200);
    assert.notEqual(ok.json<Obj>().metadata.resourceVersion, cur.metadata.resourceVersion);
    const stale = await api.request('PUT', '/api/v1/namespaces/default/configmaps/c1', { body: { ...cur, data: { a: '3' } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json<StatusBody>().reason, 'Conflict');
    assert.match(stale.json<StatusBody>().message, /the object has been modified/);
    const now = (await api.request('GET', '/api/v1/namespaces/default/configmaps/c1')).json<{ data: Record<string, string> }>();
    assert.deepEqual(now.data, { a: '2' });
  });

  test('generation bumps on spec changes only', async () => {
    const r = await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('d1') });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json<Obj>().metadata.generation, 1);
    const labeled = await api.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/d1', { body: { metadata: { labels: { x: 'y' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(labeled.json<Obj>().metadata.generation, 1);
    const scaled = await api.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/d1', { body: { spec: { replicas: 3 } }, contentType: 'application/merge-patch+json' });
    assert.equal(scaled.json<Obj>().metadata.generation, 2);
  });

  test('scale subresource reads and writes replicas and bumps generation', async () => {
    const s = await api.request('GET', '/apis/apps/v1/namespaces/default/deployments/d1/scale');
    assert.equal(s.status, 200);
    const scale = s.json<{ kind: string; apiVersion: string; spec: { replicas: number } }>();
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.apiVersion, 'autoscaling/v1');
    assert.equal(scale.spec.replicas, 3);
    const p = await api.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/d1/scale', { body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' });
    assert.equal(p.status, 200, p.text);
    const d = (await api.request('GET', '/apis/apps/v1/namespaces/default/deployments/d1')).json<Obj>();
    assert.equal(d.spec?.replicas, 5);
    assert.equal(d.metadata.generation, 3);
  });

  test('status subresource changes status only; main resource keeps status', async () => {
    const d = (await api.request('GET', '/apis/apps/v1/namespaces/default/deployments/d1')).json<Obj>();
    const st = await api.request('PUT', '/apis/apps/v1/namespaces/default/deployments/d1/status', { body: { ...d, spec: { ...d.spec, replicas: 9 }, status: { replicas: 4 } } });
    assert.equal(st.status, 200, st.text);
    assert.equal(st.json<Obj>().status?.replicas, 4);
    assert.equal(st.json<Obj>().spec?.replicas, 5);
    const main = await api.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/d1', { body: { status: { replicas: 7 } }, contentType: 'application/merge-patch+json' });
    assert.equal(main.json<Obj>().status?.replicas, 4);
  });

  test('generateName makes a unique name', async () => {
    const a = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } } });
    const b = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } } });
    assert.equal(a.status, 201);
    assert.match(a.json<Obj>().metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.notEqual(a.json<Obj>().metadata.name, b.json<Obj>().metadata.name);
  });

  test('a missing namespace is 404 NotFound namespaces', async () => {
    const r = await api.request('POST', '/api/v1/namespaces/nowhere/configmaps', { body: cm('x') });
    assert.equal(r.status, 404);
    assert.equal(r.json<StatusBody>().message, 'namespaces "nowhere" not found');
  });

  test('bad input is a clear 4xx that changes nothing', async () => {
    const cases: Array<[string, Parameters<ApiClient['request']>[2], number, RegExp]> = [
      ['malformed JSON', { body: '{"apiVersion":', contentType: 'application/json' }, 400, /could not be decoded/],
      ['malformed YAML', { body: 'a: [b', contentType: 'application/yaml' }, 400, /could not be decoded/],
      ['wrong kind', { body: { ...cm('k1'), kind: 'Secret' } }, 400, /does not match the expected kind/],
      ['wrong apiVersion', { body: { ...cm('k2'), apiVersion: 'apps/v1' } }, 400, /does not match the expected API version/],
      ['namespace mismatch', { body: { ...cm('k3'), metadata: { name: 'k3', namespace: 'kube-system' } } }, 400, /does not match the namespace/],
      ['unsupported media type', { body: 'x', contentType: 'text/plain' }, 415, /unknown format/],
      ['type mismatch', { body: { ...cm('k4'), data: 'notamap' } }, 400, /cannot be handled as a ConfigMap/],
      ['strict unknown field', { body: { ...cm('k5'), bogus: 1 } }, 400, /strict decoding error: unknown field "bogus"/],
    ];
    for (const [what, opts, code, message] of cases) {
      const path = what === 'strict unknown field' ? '/api/v1/namespaces/default/configmaps?fieldValidation=Strict' : '/api/v1/namespaces/default/configmaps';
      const r = await api.request('POST', path, opts);
      assert.equal(r.status, code, `${what}: ${r.text}`);
      assert.match(r.json<StatusBody>().message, message, what);
    }
    const list = (await api.request('GET', '/api/v1/namespaces/default/configmaps')).json<{ items: Obj[] }>();
    assert.ok(!list.items.some((i) => /^k\d$/.test(i.metadata.name)), 'nothing was stored');
  });

  test('invalid names and missing fields are 422 Invalid with causes', async () => {
    const r = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm('Bad_Name') });
    assert.equal(r.status, 422);
    const s = r.json<StatusBody>();
    assert.equal(s.reason, 'Invalid');
    assert.equal(s.details?.causes?.[0]?.field, 'metadata.name');
    const noContainers = await api.request('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } });
    assert.equal(noContainers.status, 422);
    assert.ok(noContainers.json<StatusBody>().details?.causes?.some((c) => c.field.startsWith('spec.containers')));
  });

  test('fieldValidation=Warn answers with a Warning header and drops the field', async () => {
    const r = await api.request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', { body: { ...cm('warned'), bogus: 1 } });
    assert.equal(r.status, 201);
    assert.match(String(r.headers.warning), /299 - "unknown field \\"bogus\\""/);
    assert.equal((r.json<Record<string, unknown>>()).bogus, undefined);
  });

  test('oversized bodies are 413', async () => {
    const big = cm('big', { blob: 'x'.repeat(3 * 1024 * 1024 + 10) });
    const r = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: big });
    assert.equal(r.status, 413);
    assert.equal(r.json<StatusBody>().reason, 'RequestEntityTooLarge');
  });

  test('dryRun=All validates and does not store', async () => {
    const r = await api.request('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { body: cm('dry') });
    assert.equal(r.status, 200);
    assert.equal(r.json<Obj>().metadata.name, 'dry');
    const got = await api.request('GET', '/api/v1/namespaces/default/configmaps/dry');
    assert.equal(got.status, 404);
  });

  test('apply-patch of a missing object creates it (201), then updates it (200)', async () => {
    const body = JSON.stringify(cm('applied', { k: 'v' }));
    const first = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/applied?fieldManager=test', { body, contentType: 'application/apply-patch+yaml' });
    assert.equal(first.status, 201, first.text);
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: w\n';
    const second = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/applied?fieldManager=test', { body: yaml, contentType: 'application/apply-patch+yaml' });
    assert.equal(second.status, 200, second.text);
    assert.deepEqual(second.json<{ data: unknown }>().data, { k: 'w' });
    const noManager = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/applied', { body: yaml, contentType: 'application/apply-patch+yaml' });
    assert.equal(noManager.status, 400);
  });

  test('json patch and strategic merge patch', async () => {
    const jp = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/c1', { body: [{ op: 'add', path: '/data/b', value: 'x' }], contentType: 'application/json-patch+json' });
    assert.equal(jp.status, 200, jp.text);
    assert.equal(jp.json<{ data: Record<string, string> }>().data.b, 'x');
    const bad = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/c1', { body: [{ op: 'test', path: '/data/b', value: 'y' }], contentType: 'application/json-patch+json' });
    assert.ok(bad.status === 422 || bad.status === 400, bad.text);
    await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('smp') });
    const smp = await api.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/smp', { body: { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(smp.status, 200, smp.text);
    const names = (smp.json<{ spec: { template: { spec: { containers: Array<{ name: string }> } } } }>().spec.template.spec.containers).map((c) => c.name).sort();
    assert.deepEqual(names, ['c', 'side']);
    await api.request('POST', '/api/v1/namespaces/default/pods', { body: pod('immutable') });
    const podPatch = await api.request('PATCH', '/api/v1/namespaces/default/pods/immutable', { body: { spec: { containers: [{ name: 'side', image: 'busybox' }] } }, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(podPatch.status, 422, 'pod containers cannot be added after creation');
  });

  test('pods/binding assigns a node once; pods/eviction deletes', async () => {
    await api.request('POST', '/api/v1/namespaces/default/pods', { body: pod('bind-me') });
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-a' } };
    const r = await api.request('POST', '/api/v1/namespaces/default/pods/bind-me/binding', { body: binding });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json<{ status: string }>().status, 'Success');
    const bound = (await api.request('GET', '/api/v1/namespaces/default/pods/bind-me')).json<{ spec: { nodeName: string }; status: { conditions: Array<{ type: string; status: string }> } }>();
    assert.equal(bound.spec.nodeName, 'node-a');
    assert.ok(bound.status.conditions.some((c) => c.type === 'PodScheduled' && c.status === 'True'));
    const again = await api.request('POST', '/api/v1/namespaces/default/pods/bind-me/binding', { body: { ...binding, target: { kind: 'Node', name: 'node-b' } } });
    assert.equal(again.status, 409);
    assert.match(again.json<StatusBody>().message, /already assigned to node "node-a"/);
    const evicted = await api.request('POST', '/api/v1/namespaces/default/pods/bind-me/eviction', { body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'bind-me' } } });
    assert.equal(evicted.status, 201, evicted.text);
    // A pod on a node terminates gracefully: marked now, removed by its node agent's grace-0 delete.
    const terminating = (await api.request('GET', '/api/v1/namespaces/default/pods/bind-me')).json<Obj & { metadata: { deletionGracePeriodSeconds: number } }>();
    assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30);
    const due = Date.parse(String(terminating.metadata.deletionTimestamp)) - Date.now();
    assert.ok(due > 20_000 && due <= 31_000, `deletionTimestamp ${due} ms ahead`);
    const status = await api.request('PATCH', '/api/v1/namespaces/default/pods/bind-me/status', { body: { status: { phase: 'Running' } }, contentType: 'application/merge-patch+json' });
    assert.equal(status.status, 200, 'status updates during termination keep the pod');
    const shorter = await api.request('DELETE', '/api/v1/namespaces/default/pods/bind-me', { body: { gracePeriodSeconds: 5 } });
    assert.equal(shorter.json<{ metadata: { deletionGracePeriodSeconds: number } }>().metadata.deletionGracePeriodSeconds, 5);
    const final = await api.request('DELETE', '/api/v1/namespaces/default/pods/bind-me', { body: { gracePeriodSeconds: 0, preconditions: { uid: terminating.metadata.uid } } });
    assert.equal(final.status, 200, final.text);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods/bind-me')).status, 404);
  });

  test('unscheduled pods are deleted at once', async () => {
    await api.request('POST', '/api/v1/namespaces/default/pods', { body: pod('unscheduled') });
    assert.equal((await api.request('DELETE', '/api/v1/namespaces/default/pods/unscheduled')).status, 200);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods/unscheduled')).status, 404);
  });

  test('finalizers keep a deleted object until they are removed', async () => {
    await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { ...cm('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } } });
    const del = await api.request('DELETE', '/api/v1/namespaces/default/configmaps/fin', { body: { propagationPolicy: 'Background' } });
    assert.equal(del.status, 200);
    assert.ok(del.json<Obj>().metadata.deletionTimestamp);
    const still = await api.request('GET', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(still.status, 200);
    const cleared = await api.request('PATCH', '/api/v1/namespaces/default/configmaps/fin', { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    assert.equal(cleared.status, 200, cleared.text);
    const gone = await api.request('GET', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(gone.status, 404);
  });

  test('Foreground and Orphan deletes leave the object to the garbage collector with its finalizer', async () => {
    for (const [policy, finalizer] of [['Foreground', 'foregroundDeletion'], ['Orphan', 'orphan']] as const) {
      const name = `gc-${policy.toLowerCase()}`;
      await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm(name) });
      const del = await api.request('DELETE', `/api/v1/namespaces/default/configmaps/${name}`, { body: { propagationPolicy: policy } });
      assert.equal(del.status, 200, del.text);
      const held = (await api.request('GET', `/api/v1/namespaces/default/configmaps/${name}`)).json<Obj>();
      assert.deepEqual(held.metadata.finalizers, [finalizer]);
      assert.ok(held.metadata.deletionTimestamp);
      // The GC's last step: drop the finalizer, and the object goes.
      await api.request('PATCH', `/api/v1/namespaces/default/configmaps/${name}`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
      assert.equal((await api.request('GET', `/api/v1/namespaces/default/configmaps/${name}`)).status, 404);
    }
    await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm('gc-background') });
    const bg = await api.request('DELETE', '/api/v1/namespaces/default/configmaps/gc-background', { body: { propagationPolicy: 'Background' } });
    assert.equal(bg.status, 200);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/configmaps/gc-background')).status, 404);
  });

  test('delete preconditions: a wrong uid is 409', async () => {
    await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: cm('pre') });
    const r = await api.request('DELETE', '/api/v1/namespaces/default/configmaps/pre', { body: { preconditions: { uid: 'nope' } } });
    assert.equal(r.status, 409);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/configmaps/pre')).status, 200);
    const bad = await api.request('DELETE', '/api/v1/namespaces/default/configmaps/pre', { body: { propagationPolicy: 'Sideways' } });
    assert.equal(bad.status, 400);
  });

  test('deletecollection with a label selector deletes only matches', async () => {
    for (const [n, tier] of [['dc1', 'a'], ['dc2', 'a'], ['dc3', 'b']] as const) {
      await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { ...cm(n), metadata: { name: n, labels: { tier } } } });
    }
    const r = await api.request('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=tier%3Da');
    assert.equal(r.status, 200, r.text);
    const left = (await api.request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=tier')).json<{ items: Obj[] }>();
    assert.deepEqual(left.items.map((i) => i.metadata.name), ['dc3']);
  });

  test('services get a cluster IP (and node ports) from the service CIDR; taken IPs are refused', async () => {
    const k8s = (await api.request('GET', '/api/v1/namespaces/default/services/kubernetes')).json<{ spec: { clusterIP: string; ports: Array<{ port: number; targetPort: number }> } }>();
    assert.equal(k8s.spec.clusterIP, '10.43.0.1');
    assert.equal(k8s.spec.ports[0]?.targetPort, server.port);
    const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
    const a = await api.request('POST', '/api/v1/namespaces/default/services', { body: svc('svc-a', {}) });
    assert.equal(a.status, 201, a.text);
    const ip = a.json<{ spec: { clusterIP: string; clusterIPs: string[] } }>().spec;
    assert.match(ip.clusterIP, /^10\.43\.\d+\.\d+$/);
    assert.deepEqual(ip.clusterIPs, [ip.clusterIP]);
    const np = await api.request('POST', '/api/v1/namespaces/default/services', { body: svc('svc-np', { type: 'NodePort' }) });
    const port = np.json<{ spec: { ports: Array<{ nodePort: number }> } }>().spec.ports[0]?.nodePort ?? 0;
    assert.ok(port >= 30000 && port <= 32767, `nodePort ${port}`);
    const taken = await api.request('POST', '/api/v1/namespaces/default/services', { body: svc('svc-b', { clusterIP: ip.clusterIP }) });
    assert.equal(taken.status, 422);
    assert.match(taken.json<StatusBody>().message, /already allocated/);
    const headless = await api.request('POST', '/api/v1/namespaces/default/services', { body: svc('svc-h', { clusterIP: 'None' }) });
    assert.equal(headless.json<{ spec: { clusterIP: string } }>().spec.clusterIP, 'None');
  });

  test('a deleted namespace is emptied, rejects creates while terminating, then disappears', async () => {
    assert.equal((await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } } })).status, 201);
    await api.request('POST', '/api/v1/namespaces/doomed/configmaps', { body: { ...cm('held'), metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    const del = await api.request('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(del.status, 200);
    await eventually(async () => (await api.request('GET', '/api/v1/namespaces/doomed')).json<Obj>().status?.phase === 'Terminating');
    const rejected = await api.request('POST', '/api/v1/namespaces/doomed/configmaps', { body: cm('late') });
    assert.equal(rejected.status, 403);
    assert.match(rejected.json<StatusBody>().message, /because it is being terminated/);
    await api.request('PATCH', '/api/v1/namespaces/doomed/configmaps/held', { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    await eventually(async () => (await api.request('GET', '/api/v1/namespaces/doomed')).status === 404);
  });
});
