/**
 * Pod features on a real node agent, with the real kubectl, in one server: crash loops and
 * `logs --previous`, two containers sharing an emptyDir and localhost, ConfigMap and Secret
 * env and volumes, a liveness probe restarting a container, a run-to-completion pod.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startNodeServer, type NodeServer } from './kubelet-fixture.js';

interface PodJson { status: { phase: string; containerStatuses?: Array<{ name: string; restartCount: number; ready: boolean; state: { waiting?: { reason: string }; terminated?: { reason: string; exitCode: number } } }> } }

async function podJson(s: NodeServer, name: string): Promise<PodJson | undefined> {
  const r = await s.kubectl(['get', 'pod', name, '-o', 'json']);
  return r.code === 0 ? (JSON.parse(r.stdout) as PodJson) : undefined;
}

const manifests = `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {color: blue}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: busybox, imagePullPolicy: IfNotPresent, command: [sh, -c, 'echo last words; exit 1']}
---
apiVersion: v1
kind: Pod
metadata: {name: shared}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: writer
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, 'echo shared-data > /data/f; exec httpd -f -p 8080 -h /data']
    volumeMounts: [{name: data, mountPath: /data}]
  - name: reader
    image: busybox
    imagePullPolicy: Never
    command: [sleep, '3600']
    volumeMounts: [{name: data, mountPath: /shared, readOnly: true}]
---
apiVersion: v1
kind: Pod
metadata: {name: conf, labels: {tier: web}}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - {name: cfg, configMap: {name: cfg}}
  - {name: creds, secret: {secretName: creds}}
  - {name: info, downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}, {path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
  - {name: all, projected: {sources: [{configMap: {name: cfg}}, {secret: {name: creds, items: [{key: password, path: pw}]}}]}}
  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sleep, '3600']
    env:
    - {name: COLOR, valueFrom: {configMapKeyRef: {name: cfg, key: color}}}
    - {name: TIER, valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}}
    - {name: MSG, value: 'color is $(COLOR)'}
    envFrom: [{secretRef: {name: creds}, prefix: SECRET_}]
    volumeMounts: [{name: cfg, mountPath: /etc/cfg}, {name: creds, mountPath: /etc/creds}, {name: info, mountPath: /etc/info}, {name: all, mountPath: /etc/all}]
---
apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, 'touch /tmp/healthy; sleep 1; rm /tmp/healthy; sleep 3600']
    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 1, failureThreshold: 2}
---
apiVersion: v1
kind: Pod
metadata: {name: withinit}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: work, emptyDir: {}}]
  initContainers:
  - {name: first, image: busybox, imagePullPolicy: Never, command: [sh, -c, 'echo one > /work/msg'], volumeMounts: [{name: work, mountPath: /work}]}
  - {name: second, image: busybox, imagePullPolicy: Never, command: [sh, -c, 'sleep 1; echo two >> /work/msg'], volumeMounts: [{name: work, mountPath: /work}]}
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sleep, '3600'], volumeMounts: [{name: work, mountPath: /work}]}
---
apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  terminationGracePeriodSeconds: 1
  hostNetwork: true
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sleep, '3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: once}
spec:
  restartPolicy: Never
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sh, -c, 'echo done']}
`;

test('crash loops, shared emptyDir and localhost, configMap/secret env and volumes, liveness restarts, run to completion', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());
  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: manifests });
  assert.equal(applied.code, 0, applied.stderr);

  await t.test('a crashing container reaches CrashLoopBackOff and logs --previous shows its last words', async () => {
    await s.waitFor('CrashLoopBackOff', async () => {
      const r = await s.kubectl(['get', 'pod', 'crash']);
      return /crash\s+0\/1\s+CrashLoopBackOff\s+[1-9]/.test(r.stdout) ? true : undefined;
    });
    const previous = await s.kubectl(['logs', 'crash', '--previous']);
    assert.equal(previous.stdout, 'last words\n', previous.stderr);
    const describe = await s.kubectl(['describe', 'pod', 'crash']);
    assert.match(describe.stdout, /BackOff\s.*Back-off restarting failed container main/);
    assert.match(describe.stdout, /Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/);
  });

  await t.test('two containers share an emptyDir and talk over localhost', async () => {
    await s.waitFor('shared running', async () => ((await podJson(s, 'shared'))?.status.phase === 'Running' && (await s.kubectl(['get', 'pod', 'shared'])).stdout.includes('2/2') ? true : undefined));
    const read = await s.kubectl(['exec', 'shared', '-c', 'reader', '--', 'cat', '/shared/f']);
    assert.equal(read.stdout, 'shared-data\n', read.stderr);
    const viaLocalhost = await s.kubectl(['exec', 'shared', '-c', 'reader', '--', 'wget', '-qO-', 'http://127.0.0.1:8080/f']);
    assert.equal(viaLocalhost.stdout, 'shared-data\n', viaLocalhost.stderr);
    const readOnly = await s.kubectl(['exec', 'shared', '-c', 'reader', '--', 'touch', '/shared/x']);
    assert.notEqual(readOnly.code, 0);
  });

  await t.test('configMap and secret reach env and files', async () => {
    await s.waitFor('conf running', async () => ((await podJson(s, 'conf'))?.status.phase === 'Running' ? true : undefined));
    const env = await s.kubectl(['exec', 'conf', '--', 'sh', '-c', 'echo "$COLOR|$TIER|$MSG|$SECRET_password"; cat /etc/cfg/color; echo; cat /etc/creds/password']);
    assert.equal(env.stdout, 'blue|web|color is blue|s3cret\nblue\ns3cret', env.stderr);
    const projected = await s.kubectl(['exec', 'conf', '--', 'sh', '-c', 'cat /etc/info/name; echo; cat /etc/info/labels; echo; cat /etc/all/color; echo; cat /etc/all/pw']);
    assert.equal(projected.stdout, 'conf\ntier="web"\nblue\ns3cret', projected.stderr);
    // An update to the ConfigMap reaches the mounted file (env stays as it was at start).
    assert.equal((await s.kubectl(['patch', 'configmap', 'cfg', '-p', '{"data":{"color":"green"}}'])).code, 0);
    await s.waitFor('the new value in the file', async () => ((await s.kubectl(['exec', 'conf', '--', 'cat', '/etc/cfg/color'])).stdout === 'green' ? true : undefined), 20_000);
  });

  await t.test('a failing liveness probe restarts the container', async () => {
    await s.waitFor('a liveness restart', async () => ((await podJson(s, 'live'))?.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? true : undefined, 30_000);
    const events = await s.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=live', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}']);
    assert.match(events.stdout, /Unhealthy:Liveness probe failed/);
    assert.match(events.stdout, /Killing:Container main failed liveness probe, will be restarted/);
  });

  await t.test('init containers run in order to completion before the app container', async () => {
    const initializing = await s.kubectl(['get', 'pod', 'withinit']);
    assert.match(initializing.stdout, /withinit\s+(0\/1\s+(Init:[01]\/2|PodInitializing)|1\/1\s+Running)/);
    await s.waitFor('withinit running', async () => ((await s.kubectl(['get', 'pod', 'withinit'])).stdout.match(/withinit\s+1\/1\s+Running/) ? true : undefined));
    const msg = await s.kubectl(['exec', 'withinit', '--', 'cat', '/work/msg']);
    assert.equal(msg.stdout, 'one\ntwo\n');
    const reasons = await s.kubectl(['get', 'pod', 'withinit', '-o', 'jsonpath={.status.initContainerStatuses[*].state.terminated.reason}']);
    assert.equal(reasons.stdout, 'Completed Completed');
  });

  await t.test('a hostNetwork pod shares the node namespace and reports the host IP', async () => {
    await s.waitFor('hostnet running', async () => ((await podJson(s, 'hostnet'))?.status.phase === 'Running' ? true : undefined));
    const ips = await s.kubectl(['get', 'pod', 'hostnet', '-o', 'jsonpath={.status.podIP} {.status.hostIP}']);
    const [podIP, hostIP] = ips.stdout.split(' ');
    assert.equal(podIP, hostIP);
    const links = await s.kubectl(['exec', 'hostnet', '--', 'ip', 'link', 'show', 'cni0']);
    assert.equal(links.code, 0, 'the node bridge is visible from a hostNetwork pod');
  });

  await t.test('hostPath volume; postStart and preStop hooks run (preStop before SIGTERM on delete)', async () => {
    const hostDir = join(s.dir, 'hostpath');
    const hooks = `apiVersion: v1
kind: Pod
metadata: {name: hooks}
spec:
  terminationGracePeriodSeconds: 5
  volumes: [{name: host, hostPath: {path: ${hostDir}, type: DirectoryOrCreate}}]
  containers:
  - name: main
    image: busybox
    imagePullPolicy: Never
    command: [sh, -c, "trap 'echo term >> /host/trace; exit 0' TERM; while true; do sleep 0.2; done"]
    volumeMounts: [{name: host, mountPath: /host}]
    lifecycle:
      postStart: {exec: {command: [sh, -c, 'echo poststart >> /host/trace']}}
      preStop: {exec: {command: [sh, -c, 'echo prestop >> /host/trace']}}
`;
    assert.equal((await s.kubectl(['apply', '-f', '-'], { stdin: hooks })).code, 0);
    await s.waitFor('hooks running', async () => ((await podJson(s, 'hooks'))?.status.containerStatuses?.[0]?.ready ? true : undefined));
    assert.equal(await readFile(join(hostDir, 'trace'), 'utf8'), 'poststart\n');
    const deleted = await s.kubectl(['delete', 'pod', 'hooks'], { timeoutMs: 30_000 });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(await readFile(join(hostDir, 'trace'), 'utf8'), 'poststart\nprestop\nterm\n');
  });

  await t.test('a restartPolicy Never pod runs to Succeeded', async () => {
    const pod = await s.waitFor('once Succeeded', async () => {
      const p = await podJson(s, 'once');
      return p?.status.phase === 'Succeeded' ? p : undefined;
    });
    assert.equal(pod.status.containerStatuses?.[0]?.state.terminated?.reason, 'Completed');
    const row = await s.kubectl(['get', 'pod', 'once']);
    assert.match(row.stdout, /once\s+0\/1\s+Completed\s+0/);
    assert.equal((await s.kubectl(['logs', 'once'])).stdout, 'done\n');
    const follow = await s.kubectl(['logs', '-f', 'once'], { timeoutMs: 10_000 });
    assert.equal(follow.code, 0, 'follow of a finished container ends');
    assert.equal(follow.stdout, 'done\n');
  });
});
