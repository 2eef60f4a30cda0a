import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../base/objects.js';
import { plan, type PlanInput } from './plan.js';

const pod = (name: string, o: { ready?: boolean; rev?: string; phase?: string } = {}): Pod => ({
  metadata: { name, labels: { 'controller-revision-hash': o.rev ?? 'r1' } },
  status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const input = (pods: Array<[number, Pod]>, o: Partial<PlanInput> = {}): PlanInput => ({ replicas: 3, parallel: false, pods: new Map(pods), rolling: true, partition: 0, updateRevision: 'r1', ...o });
const describeActions = (i: PlanInput): string[] => plan(i).map((a) => (a.kind === 'create' ? `create ${a.ordinal}` : `delete ${a.pod.metadata.name}`));

test('OrderedReady creates the lowest missing ordinal only after the ones below are ready', () => {
  assert.deepEqual(describeActions(input([])), ['create 0']);
  assert.deepEqual(describeActions(input([[0, pod('web-0', { ready: false })]])), []);
  assert.deepEqual(describeActions(input([[0, pod('web-0')]])), ['create 1']);
  assert.deepEqual(describeActions(input([], { parallel: true })), ['create 0', 'create 1', 'create 2']);
});

test('scale-down removes the highest ordinal first, one at a time', () => {
  const all = [0, 1, 2, 3, 4].map((i) => [i, pod(`web-${i}`)] as [number, Pod]);
  assert.deepEqual(describeActions(input(all)), ['delete web-4']);
  assert.deepEqual(describeActions(input(all, { parallel: true })), ['delete web-4', 'delete web-3']);
});

test('rolling update replaces from the top down to the partition, one pod at a time', () => {
  const all = [0, 1, 2].map((i) => [i, pod(`web-${i}`, { rev: 'r1' })] as [number, Pod]);
  assert.deepEqual(describeActions(input(all, { updateRevision: 'r2', partition: 1 })), ['delete web-2']);
  const top = [[0, pod('web-0')], [1, pod('web-1')], [2, pod('web-2', { rev: 'r2' })]] as Array<[number, Pod]>;
  assert.deepEqual(describeActions(input(top, { updateRevision: 'r2', partition: 1 })), ['delete web-1']);
  assert.deepEqual(describeActions(input(top, { updateRevision: 'r2', partition: 2 })), [], 'below the partition nothing changes');
  assert.deepEqual(describeActions(input(all, { updateRevision: 'r2', rolling: false })), [], 'OnDelete waits');
});
