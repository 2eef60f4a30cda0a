import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podQOSClass } from '../api/resources/core/pod-qos.js';
import { computePodStatus, nextBackoffSeconds, podPhase, shouldRestart, type ObservedContainer } from './pod-status.js';
import type { Pod } from './pod-types.js';

const running = (name: string, ready = true): ObservedContainer => ({ name, image: 'img', imageID: 'id', state: { running: { startedAt: 't' } }, lastState: {}, restartCount: 0, ready, started: true });
const exited = (name: string, exitCode: number): ObservedContainer => ({ name, image: 'img', imageID: 'id', state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: 't', finishedAt: 't' } }, lastState: {}, restartCount: 0, ready: false, started: false });
const crashLooping = (name: string): ObservedContainer => ({ ...exited(name, 1), state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: 't', finishedAt: 't' } } });

test('phase follows the kubelet rules', () => {
  assert.equal(podPhase('Always', [running('a'), { ...running('b'), state: { waiting: { reason: 'ContainerCreating' } } }]), 'Pending');
  assert.equal(podPhase('Always', [running('a')]), 'Running');
  assert.equal(podPhase('Always', [crashLooping('a')]), 'Running');
  assert.equal(podPhase('Never', [exited('a', 0)]), 'Succeeded');
  assert.equal(podPhase('Never', [exited('a', 0), exited('b', 2)]), 'Failed');
  assert.equal(podPhase('OnFailure', [exited('a', 0)]), 'Succeeded');
  assert.equal(podPhase('Always', [exited('a', 0)]), 'Running');
});

test('restart policy and back-off', () => {
  assert.equal(shouldRestart('Always', 0), true);
  assert.equal(shouldRestart('OnFailure', 0), false);
  assert.equal(shouldRestart('OnFailure', 1), true);
  assert.equal(shouldRestart('Never', 1), false);
  assert.deepEqual([0, 10, 20, 160, 300].map(nextBackoffSeconds), [10, 20, 40, 300, 300]);
});

test('QoS classes', () => {
  // The API's definition (pod-qos.ts), which the status carries.
  assert.equal(podQOSClass({ containers: [{ name: 'a' }] }), 'BestEffort');
  assert.equal(podQOSClass({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }), 'Guaranteed');
  assert.equal(podQOSClass({ containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }] }), 'Burstable');
});

test('status: conditions keep their transition time while unchanged, readiness lists unready containers', () => {
  const pod: Pod = { metadata: { name: 'p', uid: 'u' }, spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
  const first = computePodStatus(pod, { podIP: '10.42.0.5', hostIP: '1.2.3.4', startTime: 's', sandboxReady: true, containers: [running('a'), running('b', false)], now: 'T1' });
  assert.equal(first.phase, 'Running');
  assert.equal(first.podIP, '10.42.0.5');
  const ready = first.conditions.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.message, 'containers with unready status: [b]');
  const second = computePodStatus({ ...pod, status: { conditions: first.conditions } }, { podIP: '10.42.0.5', hostIP: '1.2.3.4', startTime: 's', sandboxReady: true, containers: [running('a'), running('b')], now: 'T2' });
  assert.equal(second.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime, 'T2');
  assert.equal(second.conditions.find((c) => c.type === 'Initialized')?.lastTransitionTime, 'T1');
});

test('init containers: Pending until all completed, Failed when one fails under restartPolicy Never', () => {
  const pod: Pod = { metadata: { name: 'p' }, spec: { restartPolicy: 'Never', containers: [{ name: 'a' }], initContainers: [{ name: 'i' }] } };
  const waiting = { ...running('a'), state: { waiting: { reason: 'PodInitializing' } } };
  const base = { hostIP: 'h', startTime: 's', sandboxReady: true, now: 'T' };
  const pending = computePodStatus(pod, { ...base, containers: [waiting], initContainers: [running('i')] });
  assert.equal(pending.phase, 'Pending');
  assert.equal(pending.conditions.find((c) => c.type === 'Initialized')?.reason, 'ContainersNotInitialized');
  assert.equal(computePodStatus(pod, { ...base, containers: [waiting], initContainers: [exited('i', 1)] }).phase, 'Failed');
  const done = computePodStatus(pod, { ...base, containers: [running('a')], initContainers: [exited('i', 0)] });
  assert.equal(done.phase, 'Running');
  assert.equal(done.initContainerStatuses?.[0]?.state.terminated?.reason, 'Completed');
});
