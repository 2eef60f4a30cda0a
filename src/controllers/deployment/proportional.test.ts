import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../base/objects.js';
import { isScalingEvent, proportionalTargets } from './proportional.js';

const d = (replicas: number): Deployment => ({ metadata: { name: 'd' }, spec: { replicas, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } } });
const rs = (uid: string, replicas: number, desired: number, created: string): ReplicaSet => ({
  metadata: { name: uid, uid, creationTimestamp: created, annotations: { 'deployment.kubernetes.io/desired-replicas': String(desired) } },
  spec: { replicas, selector: {}, template: {} },
});

test('a resize mid-rollout is spread over the active ReplicaSets by size', () => {
  const old = rs('old', 8, 10, '2026-01-01T00:00:00Z');
  const fresh = rs('new', 5, 10, '2026-01-02T00:00:00Z');
  assert.ok(isScalingEvent(d(20), [old, fresh]));
  assert.ok(!isScalingEvent(d(10), [old, fresh]));
  // 10 -> 20 with maxSurge 3: 23 allowed, 13 now, +10 split 8:5.
  const up = proportionalTargets(d(20), [old, fresh]);
  assert.equal((up.get('old') ?? 0) + (up.get('new') ?? 0), 23);
  assert.deepEqual([...up.entries()].sort(), [['new', 8], ['old', 15]]);
  // 10 -> 5: 8 allowed, -5 split, the rounding remainder on the largest.
  const down = proportionalTargets(d(5), [old, fresh]);
  assert.equal((down.get('old') ?? 0) + (down.get('new') ?? 0), 8);
  assert.ok((down.get('old') ?? 0) >= 0 && (down.get('new') ?? 0) >= 0);
});
