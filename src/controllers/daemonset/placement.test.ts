import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeOfPod, shouldRunOn, templateForNode, type NodeObject } from './placement.js';

const node = (name: string, o: { labels?: Record<string, string>; taints?: Array<{ key: string; value?: string; effect: string }> } = {}): NodeObject => ({ metadata: { name, labels: o.labels ?? {} }, spec: { taints: o.taints ?? [] } });

test('nodeSelector and required node affinity choose nodes', () => {
  const t = { spec: { nodeSelector: { disk: 'ssd' } } };
  assert.ok(shouldRunOn(t, node('a', { labels: { disk: 'ssd' } })));
  assert.ok(!shouldRunOn(t, node('b', { labels: { disk: 'hdd' } })));
  const aff = { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] }] } } } } };
  assert.ok(shouldRunOn(aff, node('a', { labels: { zone: 'x' } })));
  assert.ok(shouldRunOn(aff, node('c')));
  assert.ok(!shouldRunOn(aff, node('d', { labels: { zone: 'y' } })));
});

test('NoSchedule and NoExecute taints need a toleration; daemon pods tolerate unschedulable and not-ready', () => {
  const plain = { spec: {} };
  assert.ok(!shouldRunOn(plain, node('a', { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] })));
  assert.ok(shouldRunOn(plain, node('a', { taints: [{ key: 'dedicated', value: 'x', effect: 'PreferNoSchedule' }] })));
  assert.ok(shouldRunOn(plain, node('a', { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }] })));
  const tolerant = { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoSchedule' }] } };
  assert.ok(shouldRunOn(tolerant, node('a', { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] })));
  assert.ok(!shouldRunOn(tolerant, node('a', { taints: [{ key: 'dedicated', value: 'y', effect: 'NoSchedule' }] })));
});

test('a daemon pod is pinned to its node by affinity and carries the daemon tolerations', () => {
  const t = templateForNode({ spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] } }, 'node-7');
  assert.equal(nodeOfPod({ metadata: {}, spec: t.spec ?? {} }), 'node-7');
  const tolerations = (t.spec?.['tolerations'] ?? []) as Array<{ key: string; tolerationSeconds?: number }>;
  assert.equal(tolerations.filter((x) => x.key === 'node.kubernetes.io/not-ready').length, 1, 'the user toleration is kept, not duplicated');
  assert.ok(tolerations.some((x) => x.key === 'node.kubernetes.io/unschedulable'));
});
