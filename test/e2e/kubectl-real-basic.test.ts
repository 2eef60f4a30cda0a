/** The real kubectl 1.32 against `skiff server`: discovery, create, get, delete. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually, kubectlFor, startServer, type Kubectl, type TestServer } from './helpers/server.js';

const podYaml = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports: [{containerPort: 80}]
`;

describe('real kubectl: basics', () => {
  let server: TestServer;
  let k: Kubectl;
  let podFile: string;
  before(async () => {
    server = await startServer();
    k = kubectlFor(server.kubeconfigPath);
    podFile = join(k.home, 'pod.yaml');
    writeFileSync(podFile, podYaml);
  });
  after(async () => {
    k?.cleanup();
    await server?.stop();
  });

  test('version reports 1.32 so the dispatcher picks kubectl 1.32', async () => {
    const r = await k.run(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Server Version: v1\.32\./);
  });

  test('api-resources lists builtin resources with short names', async () => {
    const r = await k.run(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  });

  test('system namespaces exist', async () => {
    const r = await k.run(['get', 'ns', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(r.stdout, new RegExp(`^namespace/${ns}$`, 'm'));
  });

  test('create -f twice: created, then AlreadyExists', async () => {
    const first = await k.run(['create', '-f', podFile]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), 'pod/web created');
    const second = await k.run(['create', '-f', podFile]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /Error from server \(AlreadyExists\): error when creating ".*pod\.yaml": pods "web" already exists/);
  });

  test('get po / pod / pods print the pod table', async () => {
    for (const name of ['po', 'pod', 'pods']) {
      const r = await k.run(['get', name]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
      assert.match(r.stdout, /^web\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    }
    const wide = await k.run(['get', 'pods', '-o', 'wide']);
    assert.match(wide.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/m);
    const all = await k.run(['get', 'pods', '-A', '--show-labels']);
    assert.match(all.stdout, /^default\s+web\s+.*app=web$/m);
  });

  test('get -o yaml prints the stored object with server fields', async () => {
    const r = await k.run(['get', 'pod', 'web', '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^kind: Pod$/m);
    assert.match(r.stdout, /uid: [0-9a-f-]{36}/);
    assert.match(r.stdout, /resourceVersion: "\d+"/);
    assert.match(r.stdout, /creationTimestamp: "\d{4}-/);
  });

  test('get of a missing pod is NotFound', async () => {
    const r = await k.run(['get', 'pod', 'nope']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(NotFound\): pods "nope" not found/);
  });

  test('get pods -w sees a later create', async () => {
    const w = k.start(['get', 'pods', '-w']);
    try {
      await eventually(() => /web\s+0\/1/.test(w.output()));
      const created = await k.run(['run', 'later', '--image=busybox', '--restart=Never']);
      assert.equal(created.code, 0, created.stderr);
      await eventually(() => /^later\s+0\/1\s+Pending/m.test(w.output()));
    } finally {
      await w.kill();
    }
  });

  test('get pod NAME -w prints the pod, then its changes', async () => {
    const w = k.start(['get', 'pod', 'web', '-w', '-L', 'stage']);
    try {
      await eventually(() => /^web\s+0\/1/m.test(w.output()));
      const labeled = await k.run(['label', 'pod', 'web', 'stage=two']);
      assert.equal(labeled.code, 0, labeled.stderr);
      await eventually(() => /^web\s+0\/1\s+Pending\s+0\s+\S+\s+two$/m.test(w.output()));
    } finally {
      await w.kill();
    }
  });

  test('get all lists pods, services and deployments by category', async () => {
    const r = await k.run(['get', 'all']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pod\/web\s+/m);
    assert.match(r.stdout, /^service\/kubernetes\s+ClusterIP\s+10\.43\.0\.1\s+/m);
  });

  test('delete -f removes the pod', async () => {
    const r = await k.run(['delete', '-f', podFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod "web" deleted');
    const gone = await k.run(['get', 'pod', 'web']);
    assert.equal(gone.code, 1);
  });
});
