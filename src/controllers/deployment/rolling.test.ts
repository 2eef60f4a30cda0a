import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../base/objects.js';
import { newReplicaSetTarget, oldReplicaSetTargets, surgeAndUnavailable } from './rolling.js';

function deployment(replicas: number, maxSurge: number | string, maxUnavailable: number | string): Deployment {
  return { metadata: { name: 'd' }, spec: { replicas, selector: { matchLabels: { app: 'd' } }, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } } };
}

function rs(uid: string, replicas: number, available: number, created: string): ReplicaSet {
  return { metadata: { name: uid, uid, creationTimestamp: created }, spec: { replicas, selector: {}, template: {} }, status: { replicas, availableReplicas: available } };
}

test('percentages: maxSurge rounds up, maxUnavailable down; both zero becomes one unavailable', () => {
  assert.deepEqual(surgeAndUnavailable(deployment(10, '25%', '25%')), { maxSurge: 3, maxUnavailable: 2 });
  assert.deepEqual(surgeAndUnavailable(deployment(3, '25%', '25%')), { maxSurge: 1, maxUnavailable: 0 });
  assert.deepEqual(surgeAndUnavailable(deployment(3, 0, '0%')), { maxSurge: 0, maxUnavailable: 1 });
});

test('the new ReplicaSet grows only within replicas + maxSurge', () => {
  const d = deployment(3, 1, 0);
  const old = rs('old', 3, 3, '2026-01-01T00:00:00Z');
  const fresh = rs('new', 0, 0, '2026-01-02T00:00:00Z');
  assert.equal(newReplicaSetTarget(d, [old, fresh], fresh), 1);
  const grown = rs('new', 1, 0, '2026-01-02T00:00:00Z');
  assert.equal(newReplicaSetTarget(d, [old, grown], grown), 1, 'total already at 4 = 3 + surge 1');
});

test('old ReplicaSets shrink only while availability stays at replicas - maxUnavailable', () => {
  const d = deployment(3, 1, 0);
  const old = rs('old', 3, 3, '2026-01-01T00:00:00Z');
  const notReady = rs('new', 1, 0, '2026-01-02T00:00:00Z');
  assert.equal(oldReplicaSetTargets(d, [old, notReady], [old], notReady).size, 0, 'new pod not available: no old pod may go');
  const ready = rs('new', 1, 1, '2026-01-02T00:00:00Z');
  assert.deepEqual([...oldReplicaSetTargets(d, [old, ready], [old], ready)], [['old', 2]]);
});

test('unavailable old pods are removed first, oldest ReplicaSet first', () => {
  const d = deployment(4, 0, 1);
  const oldest = rs('a', 2, 1, '2026-01-01T00:00:00Z');
  const older = rs('b', 2, 2, '2026-01-02T00:00:00Z');
  const fresh = rs('new', 0, 0, '2026-01-03T00:00:00Z');
  // min available 3; 3 available now: the one unavailable pod of `a` may go, nothing else.
  assert.deepEqual([...oldReplicaSetTargets(d, [oldest, older, fresh], [oldest, older], fresh)], [['a', 1]]);
});
