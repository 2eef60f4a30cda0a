import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitDefaultTolerations } from './pod-toleration-admission.js';
import type { JsonRecord } from '../../meta/json.js';

test('a pod without them gets bounded not-ready and unreachable tolerations', () => {
  const spec: JsonRecord = { containers: [{ name: 'c', image: 'x' }] };
  admitDefaultTolerations(spec, 20);
  assert.deepEqual(spec['tolerations'], [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
  ]);
});

test('a pod\'s own tolerations win: a matching key, or a blanket Exists, adds nothing for that key', () => {
  const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' };
  const spec: JsonRecord = { tolerations: [own, { key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoSchedule' }] };
  admitDefaultTolerations(spec, 20);
  assert.deepEqual(spec['tolerations'], [own, { key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 }]);
  const all: JsonRecord = { tolerations: [{ operator: 'Exists' }] };
  admitDefaultTolerations(all, 20);
  assert.deepEqual(all['tolerations'], [{ operator: 'Exists' }]);
  const noSchedule: JsonRecord = { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }] };
  admitDefaultTolerations(noSchedule, 5);
  assert.equal((noSchedule['tolerations'] as unknown[]).length, 3, 'a NoSchedule toleration does not cover NoExecute');
});
