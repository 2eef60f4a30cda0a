/**
 * The user's first five minutes with a real node agent: the real kubectl against a fresh
 * `skiff server` (agent in-process) inside a test network namespace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { startNodeServer } from './kubelet-fixture.js';
import { leftoverCgroups, mountsUnder } from './engine-run-fixture.js';

const simplePod = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports:
    - containerPort: 80
`;

test('simple-pod.yaml runs for real: get, logs, exec, describe, pod IP, graceful delete leaves nothing', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());

  const node = JSON.parse((await s.kubectl(['get', 'node', s.nodeName, '-o', 'json'])).stdout) as { spec: { podCIDR: string }; status: { capacity: Record<string, string>; allocatable: Record<string, string>; nodeInfo: { kubeletVersion: string }; conditions: Array<{ type: string; status: string }> } };
  assert.match(node.spec.podCIDR, /^10\.42\.\d+\.0\/24$/);
  assert.ok(Number(node.status.capacity.cpu) >= 1);
  assert.match(node.status.capacity.memory ?? '', /^\d+Ki$/);
  assert.equal(node.status.capacity.pods, '110');
  assert.match(node.status.allocatable['ephemeral-storage'] ?? '', /^\d+Ki$/);
  assert.deepEqual(node.status.conditions.map((c) => `${c.type}=${c.status}`).sort(), ['DiskPressure=False', 'MemoryPressure=False', 'PIDPressure=False', 'Ready=True']);
  const lease = await s.kubectl(['get', 'lease', '-n', 'kube-node-lease', s.nodeName, '-o', 'jsonpath={.spec.holderIdentity}']);
  assert.equal(lease.stdout, s.nodeName);
  // The agent refuses cluster and service addresses it has no route for.
  const routes = await s.inNetns('ip', ['route', 'show', 'type', 'unreachable']);
  assert.match(routes.stdout, /10\.42\.0\.0\/16/);
  assert.match(routes.stdout, /10\.43\.0\.0\/16/);

  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: simplePod });
  assert.equal(applied.code, 0, applied.stderr);
  const appliedAt = Date.now();
  const line = await s.waitFor('nginx 1/1 Running', async () => {
    const r = await s.kubectl(['get', 'pods']);
    return /^nginx\s+1\/1\s+Running\s+0\s/m.test(r.stdout) ? r.stdout : undefined;
  });
  assert.match(line, /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
  assert.ok(Date.now() - appliedAt < 10_000);

  const pod = JSON.parse((await s.kubectl(['get', 'pod', 'nginx', '-o', 'json'])).stdout) as { metadata: { uid: string }; status: { podIP: string; hostIP: string; startTime: string; qosClass: string; containerStatuses: Array<{ ready: boolean; started: boolean; restartCount: number; imageID: string; containerID: string; image: string; state: { running?: object } }> } };
  const cs = pod.status.containerStatuses[0]!;
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.ok(cs.state.running);
  assert.match(cs.containerID, /^skiff:\/\/[0-9a-f]{64}$/);
  assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(cs.image, 'docker.io/library/nginx:1.14.2');
  assert.equal(pod.status.qosClass, 'BestEffort');
  assert.ok(pod.status.startTime);
  assert.ok(node.spec.podCIDR.startsWith(pod.status.podIP.split('.').slice(0, 3).join('.')), `${pod.status.podIP} in ${node.spec.podCIDR}`);

  // The pod answers on its own IP, from inside the test namespace only.
  const fetched = await s.inNetns('busybox', ['wget', '-qO-', `http://${pod.status.podIP}/`]);
  assert.equal(fetched.stdout, 'hello-from-nginx\n', fetched.stderr);

  const logs = await s.waitFor('the request in the log', async () => {
    const r = await s.kubectl(['logs', 'nginx']);
    return r.stdout.includes('response:200') ? r.stdout : undefined;
  });
  assert.match(logs, /^nginx starting\n/);
  // Follow streams what is there and keeps the stream open while the container runs.
  const follow = await s.kubectl(['logs', '-f', 'nginx'], { timeoutMs: 2500 });
  assert.match(follow.stdout, /^nginx starting\n/);
  assert.notEqual(follow.code, 0, 'follow ended although the container still runs');
  const tail = await s.kubectl(['logs', 'nginx', '--tail=1', '--timestamps']);
  assert.match(tail.stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z .*response:200\n$/);

  const exec = await s.kubectl(['exec', 'nginx', '--', 'wget', '-qO-', 'http://127.0.0.1/']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal(exec.stdout, 'hello-from-nginx\n');
  const failing = await s.kubectl(['exec', 'nginx', '--', 'sh', '-c', 'echo oops >&2; exit 3']);
  assert.equal(failing.code, 3);
  assert.match(failing.stderr, /oops/);
  assert.match(failing.stderr, /command terminated with exit code 3/);
  const piped = await s.kubectl(['exec', '-i', 'nginx', '--', 'tr', 'a-z', 'A-Z'], { stdin: 'through stdin\n' });
  assert.equal(piped.stdout, 'THROUGH STDIN\n');
  // -it from a terminal (script(1) gives kubectl one): output and exit code come through.
  const tty = await s.inNetns('script', ['-qec', `kubectl --kubeconfig ${s.dataDir}/kubeconfig.yaml exec -it nginx -- sh -c 'echo in-shell $TERM; exit 4'`, '/dev/null'], { timeoutMs: 20_000 });
  assert.match(tty.stdout, /in-shell xterm/);
  assert.equal(tty.code, 4);
  const hostname = await s.kubectl(['exec', 'nginx', '--', 'hostname']);
  assert.equal(hostname.stdout, 'nginx\n');

  const describe = await s.kubectl(['describe', 'pod', 'nginx']);
  assert.equal(describe.code, 0, describe.stderr);
  assert.match(describe.stdout, /Status:\s+Running/);
  assert.match(describe.stdout, new RegExp(`IP:\\s+${pod.status.podIP.replace(/\./g, '\\.')}`));
  for (const event of [/Scheduled\s.*default-scheduler\s+Successfully assigned default\/nginx/, /Pulled\s.*kubelet\s+Container image "nginx:1\.14\.2" already present on machine/, /Created\s.*kubelet\s+Created container nginx/, /Started\s.*kubelet\s+Started container nginx/]) {
    assert.match(describe.stdout, event);
  }

  const containerId = cs.containerID.replace('skiff://', '');
  const deleted = await s.kubectl(['delete', '-f', '-'], { stdin: simplePod, timeoutMs: 40_000 });
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /pod "nginx" deleted/);
  // It stopped on SIGTERM (the image traps it), not after the 30 s grace period.
  assert.ok(deleted.ms < 15_000, `delete took ${deleted.ms} ms`);
  const gone = await s.kubectl(['get', 'pods']);
  assert.match(gone.stderr, /No resources found in default namespace/);
  const events = await s.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=nginx', '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}']);
  assert.match(events.stdout, /Killing/);

  // Nothing left behind: containers, the pod's netns, its IP, volumes, mounts, cgroups.
  assert.deepEqual(await readdir(`${s.engineRoot}/containers`).then((l) => l.filter((n) => /^[0-9a-f]{64}$/.test(n))), []);
  const netnsList = await readFile('/proc/self/mounts', 'utf8');
  assert.ok(!netnsList.includes(`skiff-${pod.metadata.uid.replace(/-/g, '').slice(0, 16)}`), 'pod netns still mounted');
  assert.deepEqual(await readdir(`${s.runRoot}/agent/sandboxes`), []);
  assert.deepEqual(await readdir(`${s.dataDir}/agent/pods`), []);
  assert.deepEqual(await readdir(`${s.runRoot}/agent/pods`).catch(() => []), [], 'the token volume is gone');
  assert.deepEqual(await readdir(`${s.runRoot}/containers`).then((l) => l.filter((n) => /^[0-9a-f]{64}$/.test(n))), []);
  const ipam = await readdir(`${s.runRoot}/agent/ipam/skiff`);
  assert.ok(!ipam.includes(pod.status.podIP), `IP ${pod.status.podIP} still reserved`);
  assert.deepEqual(await mountsUnder(s.dir), []);
  assert.deepEqual(await mountsUnder(s.runRoot), []);
  assert.deepEqual(await leftoverCgroups([containerId]), []);
});
