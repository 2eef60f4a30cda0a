/**
 * Parity with the real kubectl 1.32 (/usr/bin/kubectl): a throwaway HTTP server on
 * 127.0.0.1 serves discovery and the live object, captures the PATCH body `kubectl apply`
 * computes, and the test checks our three-way patch is byte-for-byte the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { canonicalJson } from './json.js';
import { createThreeWayJsonMergePatch } from './json-patch.js';
import { createThreeWayMergePatch, createTwoWayMergePatch, withLastAppliedAnnotation } from './strategic/three-way.js';
import { applyStrategicMergePatch } from './strategic/apply.js';
import { DEPLOYMENT, POD, fixtureResolver } from './testdata/schemas.js';

type Obj = Record<string, unknown>;
const KUBECTL = '/usr/bin/kubectl';
const DISCOVERY_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const resource = (plural: string, kind: string, group: string) => ({
  resource: plural, responseKind: { group, version: 'v1', kind }, scope: 'Namespaced', singularResource: kind.toLowerCase(),
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
});

interface FakeApi {
  url: string;
  live: Map<string, Obj>;
  patches: string[];
  patchTypes: string[];
  close(): Promise<void>;
}

async function startFakeApi(): Promise<FakeApi> {
  const live = new Map<string, Obj>();
  const patches: string[] = [];
  const patchTypes: string[] = [];
  const send = (res: ServerResponse, code: number, body: unknown, type = 'application/json'): void => {
    res.writeHead(code, { 'Content-Type': type });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (path === '/version') return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
      if (path === '/api') {
        return send(res, 200, { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items: [{ metadata: { name: '' }, versions: [{ version: 'v1', freshness: 'Current', resources: [resource('pods', 'Pod', '')] }] }] }, DISCOVERY_TYPE);
      }
      if (path === '/apis') {
        return send(res, 200, { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items: [
          { metadata: { name: 'apps' }, versions: [{ version: 'v1', freshness: 'Current', resources: [resource('deployments', 'Deployment', 'apps')] }] },
          { metadata: { name: 'example.com' }, versions: [{ version: 'v1', freshness: 'Current', resources: [resource('widgets', 'Widget', 'example.com')] }] },
        ] }, DISCOVERY_TYPE);
      }
      const object = live.get(path);
      if (object && req.method === 'GET') return send(res, 200, object);
      if (object && req.method === 'PATCH') {
        patches.push(Buffer.concat(chunks).toString('utf8'));
        patchTypes.push(req.headers['content-type'] ?? '');
        return send(res, 200, object);
      }
      send(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, live, patches, patchTypes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The live object after a client-side apply of `config`: its annotation, uid, defaults and status. */
function liveAfterApply(config: Obj, extras: (o: Obj) => void): Obj {
  const obj = structuredClone(withLastAppliedAnnotation(config).modified);
  (obj.metadata as Obj).uid = '6a1d3c1e-0000-4000-8000-000000000001';
  (obj.metadata as Obj).resourceVersion = '12';
  (obj.metadata as Obj).creationTimestamp = '2026-01-01T00:00:00Z';
  extras(obj);
  return obj;
}

const pod = (containers: Obj[], metadata: Obj = {}): Obj => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx', namespace: 'default', labels: { app: 'web' }, ...metadata }, spec: { containers },
});
const defaultsForPod = (o: Obj): void => {
  const spec = o.spec as { containers: Obj[] } & Obj;
  spec.containers = spec.containers.map((c) => ({ ...c, imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log' }));
  spec.restartPolicy = 'Always';
  spec.dnsPolicy = 'ClusterFirst';
  o.status = { phase: 'Running', podIP: '10.42.0.5' };
};
const deployment = (spec: Obj): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec });
const podTemplate = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

/** Every field of `expected` is in `actual` (objects may have more keys; lists match item by item). */
function assertIncludes(actual: unknown, expected: unknown, path: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
    expected.forEach((item, i) => assertIncludes(actual[i], item, `${path}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    assert.ok(typeof actual === 'object' && actual !== null && !Array.isArray(actual), `${path}: not an object`);
    for (const [k, v] of Object.entries(expected)) assertIncludes((actual as Obj)[k], v, `${path}.${k}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

function containersOf(o: Obj): Obj[] {
  return (o.spec as { containers: Obj[] }).containers;
}

interface Scenario {
  name: string;
  path: string;
  schema: string;
  before: Obj;
  after: Obj;
  extras: (o: Obj) => void;
}

const scenarios: Scenario[] = [
  { name: 'changed image', path: '/api/v1/namespaces/default/pods/nginx', schema: POD, before: pod([{ name: 'nginx', image: 'nginx:1.27' }]), after: pod([{ name: 'nginx', image: 'nginx:1.28' }]), extras: defaultsForPod },
  {
    name: 'env removed, port added, label removed, annotation added', path: '/api/v1/namespaces/default/pods/nginx', schema: POD,
    before: pod([{ name: 'nginx', image: 'nginx', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }], { labels: { app: 'web', tier: 'fe' } }),
    after: pod([{ name: 'nginx', image: 'nginx', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] }], { annotations: { note: 'x' } }),
    extras: defaultsForPod,
  },
  {
    name: 'containers reordered and one added', path: '/api/v1/namespaces/default/pods/nginx', schema: POD,
    before: pod([{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }]),
    after: pod([{ name: 'b', image: 'b' }, { name: 'c', image: 'c' }, { name: 'a', image: 'a' }]),
    extras: defaultsForPod,
  },
  {
    name: 'finalizers changed, args replaced', path: '/api/v1/namespaces/default/pods/nginx', schema: POD,
    before: pod([{ name: 'a', image: 'a', args: ['x', 'y'] }], { finalizers: ['example.com/a', 'example.com/b'] }),
    after: pod([{ name: 'a', image: 'a', args: ['z'] }], { finalizers: ['example.com/c', 'example.com/a'] }),
    extras: defaultsForPod,
  },
  {
    name: 'deployment strategy switched (retainKeys), replicas changed', path: '/apis/apps/v1/namespaces/default/deployments/web', schema: DEPLOYMENT,
    before: deployment({ replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }, selector: { matchLabels: { app: 'web' } }, template: podTemplate }),
    after: deployment({ replicas: 3, strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'web' } }, template: podTemplate }),
    extras: (o) => { (o.spec as Obj).revisionHistoryLimit = 10; o.status = { replicas: 2 }; },
  },
];

test('three-way patches match what the real kubectl apply sends', async (t) => {
  assert.ok(existsSync(KUBECTL), 'kubectl 1.32 is part of the machine setup');
  const api = await startFakeApi();
  const dir = await mkdtemp(join(tmpdir(), 'skiff-patch-parity-'));
  t.after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: ${api.url}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    namespace: default\n    user: nobody\ncurrent-context: fake\nusers:\n- name: nobody\n  user: {}\n`);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig };

  for (const s of scenarios) {
    await t.test(s.name, async () => {
      const current = liveAfterApply(s.before, s.extras);
      api.live.clear();
      api.live.set(s.path, current);
      api.patches.length = 0;
      const file = join(dir, 'config.json');
      await writeFile(file, JSON.stringify(s.after));
      const r = await run(KUBECTL, ['apply', '-f', file, '--validate=false', '--cache-dir', join(dir, 'cache')], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(api.patches.length, 1, `one PATCH expected; stdout: ${r.stdout} stderr: ${r.stderr}`);
      const original = JSON.parse(withLastAppliedAnnotation(s.before).annotation) as Obj;
      const ours = createThreeWayMergePatch(original, withLastAppliedAnnotation(s.after).modified, current, fixtureResolver, s.schema);
      assert.equal(ours.error, undefined);
      assert.equal(canonicalJson(ours.object), api.patches[0]);
      if (process.env.SKIFF_SHOW_PATCHES) console.log(api.patches[0]);
      // Our server side applied to kubectl's patch gives the new configuration over the live extras.
      const patched = applyStrategicMergePatch(current, JSON.parse(api.patches[0] ?? '{}'), fixtureResolver, s.schema);
      assert.equal(patched.error, undefined, patched.error?.message);
      assertIncludes(patched.object, withLastAppliedAnnotation(s.after).modified, '');
      assert.deepEqual((patched.object?.metadata as Obj).labels, (s.after.metadata as Obj).labels, 'labels dropped from the configuration are gone');
    });
  }

  const twoWay: Array<{ name: string; args: string[]; edit: (o: Obj) => void }> = [
    { name: 'set image', args: ['set', 'image', 'pod/nginx', 'nginx=nginx:2'], edit: (o) => { containersOf(o)[0]!.image = 'nginx:2'; } },
    { name: 'set env: remove one, add one', args: ['set', 'env', 'pod/nginx', '-c', 'nginx', 'B-', 'C=3'], edit: (o) => { containersOf(o)[0]!.env = [{ name: 'A', value: '1' }, { name: 'C', value: '3' }]; } },
  ];
  for (const c of twoWay) {
    await t.test(`two-way: kubectl ${c.name}`, async () => {
      const current = liveAfterApply(pod([{ name: 'nginx', image: 'nginx', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'side', image: 's' }]), defaultsForPod);
      api.live.clear();
      api.live.set('/api/v1/namespaces/default/pods/nginx', current);
      api.patches.length = 0;
      const r = await run(KUBECTL, [...c.args, '--cache-dir', join(dir, 'cache')], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(api.patches.length, 1, r.stderr);
      const modified = structuredClone(current);
      c.edit(modified);
      const ours = createTwoWayMergePatch(current, modified, fixtureResolver, POD);
      if (process.env.SKIFF_SHOW_PATCHES) console.log(api.patches[0]);
      assert.equal(canonicalJson(ours.object), api.patches[0]);
    });
  }

  await t.test('custom resource: kubectl sends a three-way JSON merge patch, and ours is the same', async () => {
    const widget = (spec: Obj, labels: Record<string, string>): Obj => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default', labels }, spec });
    const before = widget({ size: 1, tags: ['a', 'b'], extra: { x: 1, y: 2 } }, { app: 'w', old: 'o' });
    const after = widget({ size: 2, tags: ['a'], extra: { x: 1 } }, { app: 'w' });
    const current = liveAfterApply(before, (o) => { (o.spec as Obj).serverSide = true; o.status = { ready: true }; });
    api.live.clear();
    api.live.set('/apis/example.com/v1/namespaces/default/widgets/w', current);
    api.patches.length = 0;
    api.patchTypes.length = 0;
    const file = join(dir, 'widget.json');
    await writeFile(file, JSON.stringify(after));
    const r = await run(KUBECTL, ['apply', '-f', file, '--validate=false', '--cache-dir', join(dir, 'cache')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(api.patchTypes[0], 'application/merge-patch+json');
    const original = JSON.parse(withLastAppliedAnnotation(before).annotation) as Obj;
    const ours = createThreeWayJsonMergePatch(original, withLastAppliedAnnotation(after).modified, current);
    if (process.env.SKIFF_SHOW_PATCHES) console.log(api.patches[0]);
    assert.equal(canonicalJson(ours), api.patches[0]);
  });

  await t.test('no change: kubectl sends no PATCH and we compute {}', async () => {
    const s = scenarios[0];
    assert.ok(s);
    const current = liveAfterApply(s.after, s.extras);
    api.live.clear();
    api.live.set(s.path, current);
    api.patches.length = 0;
    const file = join(dir, 'same.json');
    await writeFile(file, JSON.stringify(s.after));
    const r = await run(KUBECTL, ['apply', '-f', file, '--validate=false', '--cache-dir', join(dir, 'cache')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /unchanged/);
    assert.equal(api.patches.length, 0);
    const original = JSON.parse(withLastAppliedAnnotation(s.after).annotation) as Obj;
    assert.deepEqual(createThreeWayMergePatch(original, withLastAppliedAnnotation(s.after).modified, current, fixtureResolver, s.schema).object, {});
  });
});
