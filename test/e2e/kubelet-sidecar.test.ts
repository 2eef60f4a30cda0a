/**
 * Sidecar containers (init containers with restartPolicy Always) on a real node agent, with
 * the real kubectl: they start in order and the next init step waits only for them to start;
 * they run beside the app container, are restarted when they exit, do not keep a
 * run-to-completion pod from Succeeding (they are stopped after the app container), and on
 * deletion stop after the app containers, the last started first. Containers append to a
 * hostPath file the test reads, so the order of events is seen from outside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startNodeServer, type NodeServer } from './kubelet-fixture.js';

function traceLines(path: string): Promise<string[]> {
  return readFile(path, 'utf8').then((t) => t.trim().split('\n'), () => []);
}

/** A container that notes its start, and on SIGTERM notes it, waits a little, notes its exit. */
function noting(name: string, extra = ''): string {
  return `[sh, -c, "trap 'echo ${name}-term >> /trace/log; sleep 0.3; echo ${name}-exit >> /trace/log; exit 0' TERM; echo ${name}-start >> /trace/log; ${extra} while true; do sleep 0.1; done"]`;
}

function manifests(dir: string): string {
  const trace = (name: string): string => `  volumes: [{name: trace, hostPath: {path: ${join(dir, name)}, type: DirectoryOrCreate}}]\n`;
  const mount = 'volumeMounts: [{name: trace, mountPath: /trace}]';
  return `apiVersion: v1
kind: Pod
metadata: {name: job}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 5
${trace('job')}  initContainers:
  - {name: logger, image: busybox, imagePullPolicy: Never, restartPolicy: Always, ${mount}, command: ${noting('logger')}}
  - {name: check, image: busybox, imagePullPolicy: Never, ${mount}, command: [sh, -c, 'grep -q logger-start /trace/log && echo check-saw-logger >> /trace/log']}
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, ${mount}, command: [sh, -c, 'sleep 1; echo main-done >> /trace/log']}
---
apiVersion: v1
kind: Pod
metadata: {name: flaky}
spec:
  terminationGracePeriodSeconds: 1
${trace('flaky')}  initContainers:
  - {name: helper, image: busybox, imagePullPolicy: Never, restartPolicy: Always, ${mount}, command: [sh, -c, 'echo helper-run >> /trace/log; sleep 1; exit 3']}
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, command: [sleep, '3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: ordered}
spec:
  terminationGracePeriodSeconds: 10
${trace('ordered')}  initContainers:
  - {name: first, image: busybox, imagePullPolicy: Never, restartPolicy: Always, ${mount}, command: ${noting('first')}}
  - {name: second, image: busybox, imagePullPolicy: Never, restartPolicy: Always, ${mount}, command: ${noting('second')}}
  containers:
  - {name: main, image: busybox, imagePullPolicy: Never, ${mount}, command: ${noting('main')}}
`;
}

interface Statuses { phase: string; init: Array<{ name: string; restartCount: number; state: Record<string, { exitCode?: number; reason?: string }> }>; main: Array<{ name: string; restartCount: number; state: Record<string, unknown> }> }

async function statuses(s: NodeServer, name: string): Promise<Statuses | undefined> {
  const r = await s.kubectl(['get', 'pod', name, '-o', 'json']);
  if (r.code !== 0) return undefined;
  const pod = JSON.parse(r.stdout) as { status: { phase: string; initContainerStatuses?: Statuses['init']; containerStatuses?: Statuses['main'] } };
  return { phase: pod.status.phase, init: pod.status.initContainerStatuses ?? [], main: pod.status.containerStatuses ?? [] };
}

test('sidecar containers: start order, restarts, completion and termination order', async (t) => {
  const s = await startNodeServer();
  t.after(() => s.stop());
  const applied = await s.kubectl(['apply', '-f', '-'], { stdin: manifests(s.dir) });
  assert.equal(applied.code, 0, applied.stderr);

  await t.test('a sidecar starts before the next init step and does not keep a Never pod from Succeeding', async () => {
    const done = await s.waitFor('job Succeeded', async () => {
      const st = await statuses(s, 'job');
      return st?.phase === 'Succeeded' ? st : undefined;
    }, 30_000);
    const log = await traceLines(join(s.dir, 'job', 'log'));
    assert.deepEqual(log, ['logger-start', 'check-saw-logger', 'main-done', 'logger-term', 'logger-exit']);
    const logger = done.init.find((c) => c.name === 'logger');
    assert.ok(logger?.state['terminated'], 'the sidecar is reported terminated');
    assert.equal(logger?.restartCount, 0, 'a sidecar stopped at completion is not restarted');
    assert.equal(done.main[0]?.state['terminated'] !== undefined, true);
  });

  await t.test('a sidecar that exits is restarted while the app container keeps running', async () => {
    const st = await s.waitFor('helper restarted', async () => {
      const v = await statuses(s, 'flaky');
      return (v?.init[0]?.restartCount ?? 0) >= 1 ? v : undefined;
    }, 30_000);
    assert.equal(st.phase, 'Running');
    assert.ok(st.main[0]?.state['running'], 'the app container runs');
    assert.equal(st.main[0]?.restartCount, 0);
    assert.ok((await traceLines(join(s.dir, 'flaky', 'log'))).filter((l) => l === 'helper-run').length >= 2);
  });

  await t.test('on deletion the app container stops first, then the sidecars, last started first', async () => {
    await s.waitFor('ordered running', async () => ((await statuses(s, 'ordered'))?.main[0]?.state['running'] ? true : undefined));
    assert.deepEqual(await traceLines(join(s.dir, 'ordered', 'log')), ['first-start', 'second-start', 'main-start']);
    const deleted = await s.kubectl(['delete', 'pod', 'ordered', '--wait=true', '--timeout=60s'], { timeoutMs: 60_000 });
    assert.equal(deleted.code, 0, deleted.stderr);
    const log = await traceLines(join(s.dir, 'ordered', 'log'));
    assert.deepEqual(log.slice(3), ['main-term', 'main-exit', 'second-term', 'second-exit', 'first-term', 'first-exit']);
  });
});
