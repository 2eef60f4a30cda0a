/**
 * Workloads on a real node agent with the real kubectl: a Deployment of 3 replicas running
 * real containers, rolled to a new image and back; readiness probes driving READY; a pod
 * over its memory limit OOMKilled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSkiff } from './engine-run-fixture.js';
import { startNodeServer } from './kubelet-fixture.js';

const deployment = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: ${image}, readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}}
`;

const probesAndLimits = `apiVersion: v1
kind: Pod
metadata: {name: unready}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: web, image: nginx:1.14.2, readinessProbe: {httpGet: {path: /missing, port: 80}, periodSeconds: 1, failureThreshold: 1}}
---
apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  restartPolicy: Never
  containers:
  - name: hog
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, 'head -c 200m /dev/zero | tail']
    resources: {limits: {memory: 32Mi}}
`;

test('a Deployment runs, rolls to a new image and back; readiness; OOMKilled', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());
  assert.equal((await runSkiff(s.engineRoot, ['tag', 'nginx:1.14.2', 'nginx:1.16.1'])).code, 0);

  await t.test('3 replicas Running with real containers, rolled to a new image and undone', async () => {
    assert.equal((await s.kubectl(['apply', '-f', '-'], { stdin: deployment('nginx:1.14.2') })).code, 0);
    const status = await s.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(status.code, 0, status.stderr);
    const running = await s.kubectl(['get', 'pods', '-l', 'app=web', '--no-headers']);
    assert.equal(running.stdout.trim().split('\n').filter((l) => /\s1\/1\s+Running\s/.test(l)).length, 3, running.stdout);
    const ips = (await s.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).stdout.split(' ');
    assert.equal(new Set(ips).size, 3);
    for (const ip of ips) assert.equal((await s.inNetns('busybox', ['wget', '-qO-', `http://${ip}/`])).stdout, 'hello-from-nginx\n');

    assert.equal((await s.kubectl(['set', 'image', 'deployment/web', 'web=nginx:1.16.1'])).code, 0);
    const rolled = await s.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(rolled.code, 0, rolled.stderr);
    await s.waitFor('only new pods', async () => {
      const images = (await s.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image}{" "}{.status.phase}{"\\n"}{end}'])).stdout.trim().split('\n');
      return images.length === 3 && images.every((l) => l === 'nginx:1.16.1 Running') ? true : undefined;
    }, 40_000);

    assert.equal((await s.kubectl(['rollout', 'undo', 'deployment/web'])).code, 0);
    const undone = await s.kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.equal(undone.code, 0, undone.stderr);
    await s.waitFor('only old-image pods', async () => {
      const images = (await s.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image}{" "}{.status.containerStatuses[0].ready}{"\\n"}{end}'])).stdout.trim().split('\n');
      return images.length === 3 && images.every((l) => l === 'nginx:1.14.2 true') ? true : undefined;
    }, 40_000);
  });

  await t.test('readiness failures keep a running pod out of Ready; a pod over its memory limit is OOMKilled', async () => {
    assert.equal((await s.kubectl(['apply', '-f', '-'], { stdin: probesAndLimits })).code, 0);
    await s.waitFor('unready running', async () => ((await s.kubectl(['get', 'pod', 'unready'])).stdout.match(/unready\s+0\/1\s+Running/) ? true : undefined));
    const events = await s.waitFor('Unhealthy event', async () => {
      const r = await s.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=unready', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
      // The first probe may come before httpd listens (connection refused); a 404 follows.
      return r.stdout.includes('statuscode: 404') ? r.stdout : undefined;
    });
    assert.match(events, /Unhealthy:Readiness probe failed: HTTP probe failed with statuscode: 404/);
    const hog = await s.waitFor('hog terminated', async () => {
      const r = await s.kubectl(['get', 'pod', 'hog', '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].state.terminated.reason}']);
      return r.stdout.startsWith('Failed') ? r.stdout : undefined;
    }, 30_000);
    assert.equal(hog, 'Failed OOMKilled');
  });
});
