import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../base/objects.js';
import { podsToDelete } from './ranking.js';
import { calculateStatus } from './status.js';
import { labelSelectorFromSet } from '../../machinery/selectors.js';
import type { ReplicaSet } from '../base/objects.js';

function pod(name: string, o: { node?: string; phase?: string; ready?: string; created?: string; restarts?: number; labels?: Record<string, string> } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', creationTimestamp: o.created ?? '2026-01-01T00:00:00Z', labels: o.labels ?? { app: 'web' } },
    spec: o.node ? { nodeName: o.node } : {},
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.ready }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  };
}

test('scale-down deletes unscheduled, then pending, then not-ready pods before ready ones', () => {
  const pods = [
    pod('ready-old', { node: 'n1', ready: '2026-01-01T00:00:00Z' }),
    pod('not-ready', { node: 'n1' }),
    pod('pending', { node: 'n1', phase: 'Pending' }),
    pod('unscheduled', { phase: 'Pending' }),
    pod('ready-new', { node: 'n1', ready: '2026-01-02T00:00:00Z' }),
  ];
  assert.deepEqual(podsToDelete(pods, 5).map((p) => p.metadata.name), ['unscheduled', 'pending', 'not-ready', 'ready-new', 'ready-old']);
  assert.deepEqual(podsToDelete(pods, 2).map((p) => p.metadata.name), ['unscheduled', 'pending']);
});

test('among equal pods, more restarts and then newer pods go first', () => {
  const t = '2026-01-01T00:00:00Z';
  const pods = [
    pod('old', { node: 'n', ready: t, created: '2026-01-01T00:00:00Z' }),
    pod('new', { node: 'n', ready: t, created: '2026-01-03T00:00:00Z' }),
    pod('crashy', { node: 'n', ready: t, restarts: 4 }),
  ];
  assert.deepEqual(podsToDelete(pods, 3).map((p) => p.metadata.name), ['crashy', 'new', 'old']);
});

test('status counts ready, available after minReadySeconds, and fully labeled pods', () => {
  const rs: ReplicaSet = { metadata: { name: 'r', generation: 4 }, spec: { replicas: 3, minReadySeconds: 60, selector: {}, template: { metadata: { labels: { app: 'web', tier: 'fe' } } } } };
  const now = new Date('2026-01-01T00:10:00Z');
  const pods = [
    pod('a', { ready: '2026-01-01T00:00:00Z', labels: { app: 'web', tier: 'fe' } }),
    pod('b', { ready: '2026-01-01T00:09:30Z', labels: { app: 'web', tier: 'fe' } }),
    pod('c', { labels: { app: 'web' } }),
  ];
  const s = calculateStatus(rs, pods, now, labelSelectorFromSet({ app: 'web', tier: 'fe' }));
  assert.deepEqual(s, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 });
});
