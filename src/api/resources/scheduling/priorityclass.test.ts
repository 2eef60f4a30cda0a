import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priorityclasses } from './priorityclass.js';

const pc = (name: string, value: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> & { metadata: { name: string } } => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });

test('PriorityClass validation: values, reserved names, policy; defaults and immutability', () => {
  const s = priorityclasses.strategy;
  const errs = (o: Record<string, unknown>): string[] => (s.validate?.(o, undefined) ?? []).map((e) => `${e.field}: ${e.message}`);
  assert.deepEqual(errs(pc('high', 1000)), []);
  assert.deepEqual(errs(pc('system-node-critical', 2_000_001_000)), []);
  assert.ok(errs(pc('system-mine', 5)).some((e) => e.startsWith('metadata.name')));
  assert.ok(errs(pc('huge', 2_000_000_000)).some((e) => e.startsWith('value')));
  assert.ok(errs(pc('none', undefined)).some((e) => e.startsWith('value')));
  assert.ok(errs(pc('odd', 1, { preemptionPolicy: 'Sometimes' })).some((e) => e.startsWith('preemptionPolicy')));
  const withDefaults = pc('d', 1);
  s.defaults?.(withDefaults);
  assert.equal(withDefaults['preemptionPolicy'], 'PreemptLowerPriority');
  const updated = s.validate?.(pc('d', 2, { preemptionPolicy: 'PreemptLowerPriority' }), withDefaults) ?? [];
  assert.ok(updated.some((e) => e.field === 'value'), 'value is immutable');
  assert.equal(priorityclasses.row(pc('d', 7, { globalDefault: true, preemptionPolicy: 'Never' }), { now: new Date() })[1], 7);
});
