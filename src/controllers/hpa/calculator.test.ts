import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize, Recommendations, replicasForMetric } from './calculator.js';

test('utilization scales replicas by usage over target, with a 10% tolerance', () => {
  const hot = [{ usage: 400, request: 200 }, { usage: 400, request: 200 }];
  assert.deepEqual(replicasForMetric(2, hot, { type: 'Utilization', averageUtilization: 50 }), { replicas: 8, utilization: 200, averageValue: 400 });
  const near = [{ usage: 105, request: 200 }, { usage: 105, request: 200 }];
  assert.equal((replicasForMetric(2, near, { type: 'Utilization', averageUtilization: 50 }) as { replicas: number }).replicas, 2);
  const idle = [{ usage: 10, request: 200 }, { usage: 10, request: 200 }, { usage: 10, request: 200 }];
  assert.equal((replicasForMetric(3, idle, { type: 'Utilization', averageUtilization: 50 }) as { replicas: number }).replicas, 1);
  assert.deepEqual(replicasForMetric(1, [{ usage: 10, request: 0 }], { type: 'Utilization', averageUtilization: 50 }), { error: 'missing request for resource' });
  assert.equal((replicasForMetric(2, hot, { type: 'AverageValue', averageValue: 100 }) as { replicas: number }).replicas, 8);
});

test('limits: min, max, and scale-up of at most max(2x, +4) per step', () => {
  assert.deepEqual(normalize(2, 1, { min: 2, max: 10 }), { replicas: 2, limited: 'TooFewReplicas' });
  assert.deepEqual(normalize(2, 50, { min: 1, max: 10 }), { replicas: 6, limited: 'ScaleUpLimit' });
  assert.deepEqual(normalize(8, 50, { min: 1, max: 10 }), { replicas: 10, limited: 'TooManyReplicas' });
  assert.deepEqual(normalize(2, 5, { min: 1, max: 10 }), { replicas: 5 });
});

test('scale-down waits for the stabilization window; scale-up does not', () => {
  const r = new Recommendations();
  assert.equal(r.stabilized('k', 8, 4, 0, 300_000), 8);
  assert.equal(r.stabilized('k', 2, 8, 10_000, 300_000), 8, 'a recent recommendation of 8 holds');
  assert.equal(r.stabilized('k', 2, 8, 400_000, 300_000), 2, 'after the window it may go down');
});
