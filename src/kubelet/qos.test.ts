import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuSharesFor, oomScoreAdjFor } from './qos.js';
import type { ContainerSpec, Pod } from './pod-types.js';

const gib = 1 << 30;
const withContainers = (containers: ContainerSpec[], extra: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p' }, spec: { containers, ...extra } });

test('qos: cpu.shares from the CPU request, 2 without one (the kubelet\'s MilliCPUToShares)', () => {
  assert.equal(cpuSharesFor({ name: 'c' }), 2);
  assert.equal(cpuSharesFor({ name: 'c', resources: { requests: { cpu: '500m' } } }), 512);
  assert.equal(cpuSharesFor({ name: 'c', resources: { requests: { cpu: '2' } } }), 2048);
  assert.equal(cpuSharesFor({ name: 'c', resources: { limits: { cpu: '250m' } } }), 256, 'a limit alone is the request');
  assert.equal(cpuSharesFor({ name: 'c', resources: { requests: { cpu: '1m' } } }), 2);
});

test('qos: oom_score_adj by QoS class: BestEffort 1000, Guaranteed and node-critical -997, Burstable by its share of memory', () => {
  const best: ContainerSpec = { name: 'b' };
  assert.equal(oomScoreAdjFor(withContainers([best]), best, 8 * gib), 1000);
  const guaranteed: ContainerSpec = { name: 'g', resources: { limits: { cpu: '1', memory: '1Gi' } } };
  assert.equal(oomScoreAdjFor(withContainers([guaranteed]), guaranteed, 8 * gib), -997);
  assert.equal(oomScoreAdjFor(withContainers([best], { priorityClassName: 'system-node-critical' }), best, 8 * gib), -997);
  const burstable: ContainerSpec = { name: 'u', resources: { requests: { memory: '2Gi' } } };
  assert.equal(oomScoreAdjFor(withContainers([burstable]), burstable, 8 * gib), 750);
  // A Burstable pod's container without a request: 999, never BestEffort's 1000.
  assert.equal(oomScoreAdjFor(withContainers([burstable, best]), best, 8 * gib), 999);
  const huge: ContainerSpec = { name: 'h', resources: { requests: { memory: '8Gi' } } };
  assert.equal(oomScoreAdjFor(withContainers([huge]), huge, 8 * gib), 3, 'never down to Guaranteed\'s');
  // An init container's resources count for the pod's class too.
  assert.equal(oomScoreAdjFor(withContainers([best], { initContainers: [burstable] }), best, 8 * gib), 999);
});
