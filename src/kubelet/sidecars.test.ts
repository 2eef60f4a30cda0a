import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePodStatus, type ObservedContainer } from './pod-status.js';
import type { Pod } from './pod-types.js';
import { terminationGroups } from './sidecars.js';

const pod: Pod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' },
  spec: {
    restartPolicy: 'Never',
    initContainers: [{ name: 'setup' }, { name: 'log', restartPolicy: 'Always' }, { name: 'proxy', restartPolicy: 'Always' }],
    containers: [{ name: 'app' }, { name: 'worker' }],
  },
};

function observed(name: string, state: ObservedContainer['state'], started = false): ObservedContainer {
  return { name, image: 'i', imageID: '', state, lastState: {}, restartCount: 0, ready: Boolean(state.running), started };
}

const exited = (code: number): ObservedContainer['state'] => ({ terminated: { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt: 't', finishedAt: 't' } });
const running: ObservedContainer['state'] = { running: { startedAt: 't' } };

test('deletion stops app containers first, then sidecars last-started first', () => {
  assert.deepEqual(terminationGroups(pod, ['setup', 'log', 'proxy', 'app', 'worker']), [['setup', 'app', 'worker'], ['proxy'], ['log']]);
  assert.deepEqual(terminationGroups(pod, ['app']), [['app']]);
});

test('a started sidecar completes initialization; a pod whose apps finished stays Running while a sidecar runs', () => {
  const base = { hostIP: '10.0.0.1', startTime: 't', sandboxReady: true, now: 't' };
  const inits = [observed('setup', exited(0)), observed('log', running, true), observed('proxy', running, true)];
  const runningApps = computePodStatus(pod, { ...base, initContainers: inits, containers: [observed('app', running, true), observed('worker', running, true)] });
  assert.equal(runningApps.phase, 'Running');
  assert.equal(runningApps.conditions.find((c) => c.type === 'Initialized')?.status, 'True');
  assert.equal(runningApps.conditions.find((c) => c.type === 'ContainersReady')?.status, 'True');
  const sidecarUnready = computePodStatus(pod, { ...base, initContainers: [inits[0]!, { ...observed('log', running, true), ready: false }, inits[2]!], containers: [observed('app', running, true), observed('worker', running, true)] });
  assert.equal(sidecarUnready.conditions.find((c) => c.type === 'Ready')?.message, 'containers with unready status: [log]');
  const notStarted = computePodStatus(pod, { ...base, initContainers: [inits[0]!, observed('log', running, false), observed('proxy', { waiting: { reason: 'PodInitializing' } })], containers: [observed('app', { waiting: { reason: 'PodInitializing' } }), observed('worker', { waiting: { reason: 'PodInitializing' } })] });
  assert.equal(notStarted.phase, 'Pending');
  const appsDone = [observed('app', exited(0)), observed('worker', exited(0))];
  assert.equal(computePodStatus(pod, { ...base, initContainers: inits, containers: appsDone }).phase, 'Running');
  const sidecarsStopped = [inits[0]!, observed('log', exited(143)), observed('proxy', exited(0))];
  assert.equal(computePodStatus(pod, { ...base, initContainers: sidecarsStopped, containers: appsDone }).phase, 'Succeeded');
});
