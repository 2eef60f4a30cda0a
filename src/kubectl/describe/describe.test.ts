import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeNamespace, humanDuration, rfc1123z, smartLabelFor } from './index.js';

test('describe helpers: durations, times and field labels as kubectl prints them', () => {
  assert.equal(humanDuration(5_000), '5s');
  assert.equal(humanDuration(119_000), '119s');
  assert.equal(humanDuration(150_000), '2m30s');
  assert.equal(humanDuration(3 * 3600_000 + 5 * 60_000), '3h5m');
  assert.equal(humanDuration(3 * 86400_000), '3d');
  assert.equal(rfc1123z('2026-11-29T02:41:53Z'), 'Sun, 29 Nov 2026 02:41:53 +0000');
  assert.equal(smartLabelFor('apiVersion'), 'API Version');
  assert.equal(smartLabelFor('uid'), 'UID');
  assert.equal(smartLabelFor('creationTimestamp'), 'Creation Timestamp');
  assert.equal(smartLabelFor('k8s'), 'k8s');
});

test('describe namespace: aligned fields, sorted labels, <none>', () => {
  const text = describeNamespace({ metadata: { name: 'team', labels: { b: '2', a: '1' } }, status: { phase: 'Active' } });
  assert.equal(text, 'Name:         team\nLabels:       a=1\n              b=2\nAnnotations:  <none>\nStatus:       Active\n');
});

test('quantities: parsing and canonical totals', async () => {
  const { parseQuantity, formatCpu, formatBytes } = await import('./quantity.js');
  assert.equal(parseQuantity('250m'), 0.25);
  assert.equal(parseQuantity('1Gi'), 2 ** 30);
  assert.equal(formatCpu(0.25 + 1), '1250m');
  assert.equal(formatCpu(2), '2');
  assert.equal(formatBytes(64 * 2 ** 20 + 64 * 2 ** 20), '128Mi');
  assert.equal(formatBytes(0), '0');
});
