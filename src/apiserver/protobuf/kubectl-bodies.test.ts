/**
 * The real kubectl 1.32 sends protobuf for `create <generator>` and `autoscale`. For each such
 * command we capture the exact body it POSTs and check that our decoder yields the very JSON
 * kubectl prints for the same command with `--dry-run=client -o json` (kubectl marshals that
 * from the same Go object, so nothing needs normalising).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import forge from 'node-forge';
import { decodeProtobufObject, protobufMediaType } from './index.js';
import { startCaptureServer, type CaptureServer } from './kubectl-capture.js';

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** A few facts stated outright, so a bug shared by kubectl's JSON and our decoder still shows. */
  readonly check: (object: Record<string, unknown>) => void;
}

function at(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), object);
}

/** A self-signed certificate and its key, for `create secret tls`. */
function selfSigned(): { cert: string; key: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  cert.setSubject([{ name: 'commonName', value: 'skiff.test' }]);
  cert.setIssuer([{ name: 'commonName', value: 'skiff.test' }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}

/** Puts `--dry-run=client -o json` before any `--` that starts the container command. */
function dryRun(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  const flags = ['--dry-run=client', '-o', 'json'];
  return end < 0 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)];
}

describe('protobuf bodies sent by the real kubectl 1.32', () => {
  let server: CaptureServer;
  let files: string;

  before(async () => {
    server = await startCaptureServer();
    files = await mkdtemp(join(tmpdir(), 'skiff-pb-files-'));
    const { cert, key } = selfSigned();
    await writeFile(join(files, 'tls.crt'), cert);
    await writeFile(join(files, 'tls.key'), key);
    await writeFile(join(files, 'blob.bin'), Buffer.from([0x00, 0x01, 0xff, 0xfe]));
  });
  after(async () => {
    await server?.close();
    if (files) await rm(files, { recursive: true, force: true });
  });

  const cases: Case[] = [
    { name: 'namespace', args: ['create', 'namespace', 'ns1'], check: (o) => assert.equal(at(o, 'metadata.name'), 'ns1') },
    {
      name: 'deployment', args: ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'],
      check: (o) => {
        assert.equal(at(o, 'spec.replicas'), 3);
        assert.deepEqual(at(o, 'spec.template.spec.containers'), [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} }]);
        assert.equal(at(o, 'metadata.creationTimestamp'), null);
      },
    },
    // replicas is a pointer: zero must survive, or the server would default it to 1.
    { name: 'deployment with zero replicas and two images', args: ['create', 'deployment', 'multi', '--image=nginx', '--image=busybox', '--replicas=0'], check: (o) => assert.equal(at(o, 'spec.replicas'), 0) },
    { name: 'configmap', args: ['create', 'configmap', 'c', '--from-literal=a=b'], check: (o) => assert.deepEqual(at(o, 'data'), { a: 'b' }) },
    { name: 'configmap with binary data', args: ['create', 'configmap', 'b', '--from-literal=x=y', '--from-file=__FILES__/blob.bin'], check: (o) => assert.deepEqual(at(o, 'binaryData'), { 'blob.bin': 'AAH//g==' }) },
    { name: 'secret generic', args: ['create', 'secret', 'generic', 's', '--from-literal=k=v'], check: (o) => assert.deepEqual(at(o, 'data'), { k: 'dg==' }) },
    { name: 'secret tls', args: ['create', 'secret', 'tls', 't', '--cert=__FILES__/tls.crt', '--key=__FILES__/tls.key'], check: (o) => assert.equal(at(o, 'type'), 'kubernetes.io/tls') },
    { name: 'secret docker-registry', args: ['create', 'secret', 'docker-registry', 'd', '--docker-username=u', '--docker-password=p', '--docker-server=registry.test'], check: (o) => assert.equal(at(o, 'type'), 'kubernetes.io/dockerconfigjson') },
    { name: 'service clusterip', args: ['create', 'service', 'clusterip', 'c', '--tcp=80:8080'], check: (o) => assert.deepEqual(at(o, 'spec.ports'), [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }]) },
    { name: 'service clusterip headless', args: ['create', 'service', 'clusterip', 'h', '--clusterip=None'], check: (o) => assert.equal(at(o, 'spec.clusterIP'), 'None') },
    { name: 'service nodeport', args: ['create', 'service', 'nodeport', 'n', '--tcp=80:8080', '--node-port=30080'], check: (o) => assert.equal(at(o, 'spec.type'), 'NodePort') },
    { name: 'service loadbalancer', args: ['create', 'service', 'loadbalancer', 'l', '--tcp=443:https'], check: (o) => assert.equal((at(o, 'spec.ports') as Array<Record<string, unknown>>)[0]?.['targetPort'], 'https') },
    { name: 'service externalname', args: ['create', 'service', 'externalname', 'e', '--external-name=example.test'], check: (o) => assert.equal(at(o, 'spec.externalName'), 'example.test') },
    { name: 'job', args: ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'], check: (o) => assert.equal(at(o, 'spec.template.spec.restartPolicy'), 'Never') },
    { name: 'cronjob', args: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'], check: (o) => assert.equal(at(o, 'spec.schedule'), '*/5 * * * *') },
    {
      name: 'job from a cronjob with a rich pod template', args: ['create', 'job', 'x', '--from=cronjob/rich'],
      check: (o) => {
        assert.equal(at(o, 'metadata.ownerReferences.0.controller'), true);
        assert.equal(at(o, 'spec.backoffLimit'), 0);
        assert.equal(at(o, 'spec.template.spec.automountServiceAccountToken'), false);
        assert.equal(at(o, 'spec.template.spec.containers.0.livenessProbe.httpGet.port'), 'http');
        assert.equal(at(o, 'spec.template.spec.containers.0.resources.limits.cpu'), '500m');
        assert.deepEqual(at(o, 'spec.template.spec.volumes.0'), { name: 'data', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } });
      },
    },
    { name: 'serviceaccount', args: ['create', 'serviceaccount', 'sa'], check: (o) => assert.equal(o['kind'], 'ServiceAccount') },
    {
      name: 'autoscale (autoscaling/v1)', args: ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80'],
      check: (o) => {
        assert.equal(o['apiVersion'], 'autoscaling/v1');
        assert.deepEqual(at(o, 'status'), { currentReplicas: 0, desiredReplicas: 0 });
      },
    },
    { name: 'ingress', args: ['create', 'ingress', 'i', '--rule=foo.test/bar=svc1:8080,tls=my-cert', '--class=nginx'], check: (o) => assert.equal(at(o, 'spec.rules.0.http.paths.0.backend.service.port.number'), 8080) },
    { name: 'role', args: ['create', 'role', 'r', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=a'], check: (o) => assert.deepEqual(at(o, 'rules.1.apiGroups'), ['apps']) },
    { name: 'clusterrole', args: ['create', 'clusterrole', 'cr', '--verb=get', '--non-resource-url=/logs/*'], check: (o) => assert.deepEqual(at(o, 'rules.0.nonResourceURLs'), ['/logs/*']) },
    { name: 'rolebinding', args: ['create', 'rolebinding', 'rb', '--role=r', '--user=u', '--serviceaccount=default:sa'], check: (o) => assert.equal(at(o, 'subjects.1.namespace'), 'default') },
    { name: 'clusterrolebinding', args: ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--group=g'], check: (o) => assert.equal(at(o, 'roleRef.kind'), 'ClusterRole') },
    { name: 'poddisruptionbudget', args: ['create', 'poddisruptionbudget', 'p', '--selector=app=web', '--min-available=50%'], check: (o) => assert.equal(at(o, 'spec.minAvailable'), '50%') },
    { name: 'priorityclass', args: ['create', 'priorityclass', 'pc', '--value=1000', '--description=high', '--preemption-policy=Never'], check: (o) => assert.equal(at(o, 'value'), 1000) },
    { name: 'quota', args: ['create', 'quota', 'q', '--hard=cpu=1,memory=1G,pods=2', '--scopes=BestEffort'], check: (o) => assert.deepEqual(at(o, 'spec.hard'), { cpu: '1', memory: '1G', pods: '2' }) },
  ];

  // These commands have no --dry-run, so the expected objects are written out (as kubectl
  // builds them in Go, with Go's JSON rules).
  const reviews: ReadonlyArray<{ readonly name: string; readonly args: readonly string[]; readonly expected: unknown }> = [
    {
      name: 'auth can-i on a subresource', args: ['auth', 'can-i', 'get', 'pods', '--subresource=log', '-n', 'kube-system'],
      expected: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods', subresource: 'log' } }, status: { allowed: false } },
    },
    {
      name: 'auth can-i on a non-resource URL', args: ['auth', 'can-i', 'get', '/logs'],
      expected: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } }, status: { allowed: false } },
    },
    {
      name: 'auth can-i --list', args: ['auth', 'can-i', '--list'],
      expected: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { namespace: 'default' }, status: { incomplete: false } },
    },
    {
      name: 'create token', args: ['create', 'token', 'sa', '--audience=api', '--duration=10m', '--bound-object-kind=Pod', '--bound-object-name=p', '--bound-object-uid=123'],
      expected: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { audiences: ['api'], expirationSeconds: 600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: '123' } }, status: { token: '', expirationTimestamp: null } },
    },
    {
      name: 'auth whoami', args: ['auth', 'whoami'],
      expected: { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: {} } },
    },
  ];

  for (const review of reviews) {
    it(review.name, async () => {
      const before = server.captured.length;
      await server.kubectl(review.args);
      const [request] = server.captured.slice(before);
      assert.ok(request);
      assert.equal(request.contentType, protobufMediaType);
      const decoded = decodeProtobufObject(request.body);
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
      assert.deepStrictEqual(decoded.object, review.expected);
    });
  }

  // kubectl 1.33 (the dispatcher runs it for a server reporting minor 33) autoscales with
  // autoscaling/v2: metrics, targets and the v2 status. Its JSON adds `currentMetrics: null`
  // (a nil slice without omitempty), which protobuf cannot carry and we leave out.
  it('autoscale from kubectl 1.33 (autoscaling/v2)', async () => {
    const args = ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80'];
    const binary = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
    const before = server.captured.length;
    await server.kubectl(args, { binary });
    const [request] = server.captured.slice(before);
    assert.ok(request);
    const decoded = decodeProtobufObject(request.body);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
    const expected = JSON.parse(await server.kubectl(dryRun(args), { binary })) as Record<string, Record<string, unknown>>;
    assert.equal(expected['status']?.['currentMetrics'], null);
    delete expected['status']?.['currentMetrics'];
    assert.deepStrictEqual(decoded.object, expected);
    assert.deepEqual(at(decoded.object, 'spec.metrics.0.resource.target'), { type: 'Utilization', averageUtilization: 80 });
  });

  for (const c of cases) {
    it(c.name, async () => {
      const args = c.args.map((arg) => arg.replace('__FILES__', files));
      const before = server.captured.length;
      await server.kubectl(args);
      const sent = server.captured.slice(before);
      assert.equal(sent.length, 1, 'kubectl should POST exactly once');
      const [request] = sent;
      assert.ok(request);
      assert.equal(request.contentType, protobufMediaType);
      const decoded = decodeProtobufObject(request.body);
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.message);
      const expected: unknown = JSON.parse(await server.kubectl(dryRun(args)));
      assert.deepStrictEqual(decoded.object, expected);
      c.check(decoded.object);
    });
  }
});
