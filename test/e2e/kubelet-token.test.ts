/**
 * Service-account tokens end to end, with the real kubectl: a new pod gets the
 * kube-api-access-* projected volume (token, ca.crt, namespace) at
 * /var/run/secrets/kubernetes.io/serviceaccount unless automountServiceAccountToken is false;
 * from inside the pod, the token authenticates to the API server (a namespaced list answers
 * 200) as system:serviceaccount:NS:NAME, which selfsubjectreviews echoes; a forged token is
 * refused. The pods use the host network of the test namespace, where the API listens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNodeServer, type NodeServer } from './kubelet-fixture.js';

const saDir = '/var/run/secrets/kubernetes.io/serviceaccount';

function manifests(): string {
  const pod = (name: string, extra: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
${extra}  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sleep, '3600']}
---
`;
  return `apiVersion: v1
kind: ServiceAccount
metadata: {name: robot}
---
${pod('plain', '')}${pod('robot', '  serviceAccountName: robot\n')}${pod('none', '  automountServiceAccountToken: false\n')}`;
}

async function running(s: NodeServer, name: string): Promise<void> {
  await s.waitFor(`${name} Running`, async () => ((await s.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' ? true : undefined), 30_000);
}

/** busybox wget inside the pod against the API server, with the pod's own token unless told. */
function apiCall(s: NodeServer, pod: string, server: string, path: string, o: { post?: string; token?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const token = o.token ?? `$(cat ${saDir}/token)`;
  const post = o.post !== undefined ? `--header 'Content-Type: application/json' --post-data '${o.post}' ` : '';
  return s.kubectl(['exec', pod, '--', 'sh', '-c', `wget -q -O- --no-check-certificate --header "Authorization: Bearer ${token}" ${post}${server}${path} 2>&1`]);
}

test('service-account tokens: the projected volume, authentication as the service account, opting out', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());
  const server = (await s.kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).stdout;
  assert.match(server, /^https:\/\/127\.0\.0\.1:\d+$/);
  // The ServiceAccount controller makes `default`; pods wait for it like upstream's admission would.
  await s.waitFor('the default service account', async () => ((await s.kubectl(['get', 'sa', 'default'])).code === 0 ? true : undefined));
  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: manifests() });
  assert.equal(applied.code, 0, applied.stderr);

  await t.test('admission adds the kube-api-access volume and mount; the files are there', async () => {
    const spec = JSON.parse((await s.kubectl(['get', 'pod', 'plain', '-o', 'jsonpath={.spec}'])).stdout) as {
      serviceAccountName: string; volumes: Array<{ name: string; projected?: { sources: Array<Record<string, unknown>> } }>; containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string; readOnly: boolean }> }>;
    };
    assert.equal(spec.serviceAccountName, 'default');
    const volume = spec.volumes.find((v) => /^kube-api-access-[a-z0-9]{5}$/.test(v.name));
    assert.ok(volume?.projected, 'a kube-api-access-* projected volume');
    assert.deepEqual(volume.projected.sources.map((src) => Object.keys(src)[0]), ['serviceAccountToken', 'configMap', 'downwardAPI']);
    assert.deepEqual(spec.containers[0]?.volumeMounts, [{ name: volume.name, mountPath: saDir, readOnly: true }]);
    await running(s, 'plain');
    const files = await s.kubectl(['exec', 'plain', '--', 'sh', '-c', `ls ${saDir}; cat ${saDir}/namespace; echo; head -1 ${saDir}/ca.crt`]);
    assert.equal(files.stdout, 'ca.crt\nnamespace\ntoken\ndefault\n-----BEGIN CERTIFICATE-----\n', files.stderr);
  });

  await t.test('from inside the pod the token reads the API (200) as system:serviceaccount:default:default', async () => {
    const list = await apiCall(s, 'plain', server, '/api/v1/namespaces/default/pods');
    assert.equal(list.code, 0, list.stdout + list.stderr);
    assert.equal((JSON.parse(list.stdout) as { kind: string }).kind, 'PodList');
    const who = await apiCall(s, 'plain', server, '/apis/authentication.k8s.io/v1/selfsubjectreviews', { post: '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}' });
    assert.equal(who.code, 0, who.stdout + who.stderr);
    const info = (JSON.parse(who.stdout) as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo;
    assert.equal(info.username, 'system:serviceaccount:default:default');
    assert.deepEqual(info.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  });

  await t.test('a pod of another service account authenticates as that one', async () => {
    await running(s, 'robot');
    const who = await apiCall(s, 'robot', server, '/apis/authentication.k8s.io/v1/selfsubjectreviews', { post: '{}' });
    assert.equal(who.code, 0, who.stdout + who.stderr);
    assert.equal((JSON.parse(who.stdout) as { status: { userInfo: { username: string } } }).status.userInfo.username, 'system:serviceaccount:default:robot');
  });

  await t.test('a tampered token is refused with 401', async () => {
    const token = (await s.kubectl(['exec', 'plain', '--', 'cat', `${saDir}/token`])).stdout;
    const [h, p, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as { sub: string };
    claims.sub = 'system:serviceaccount:kube-system:admin';
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    const r = await apiCall(s, 'plain', server, '/api/v1/namespaces/default/pods', { token: forged });
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /401/);
  });

  await t.test('automountServiceAccountToken: false leaves the pod without the volume', async () => {
    await running(s, 'none');
    const volumes = await s.kubectl(['get', 'pod', 'none', '-o', 'jsonpath={.spec.volumes}']);
    assert.equal(volumes.stdout, '');
    const ls = await s.kubectl(['exec', 'none', '--', 'ls', saDir]);
    assert.notEqual(ls.code, 0);
  });
});
