import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from './api.js';
import { NodeInfo, PodInfo } from './node-info.js';

const node: Node = { metadata: { name: 'n' }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } } as Node;
const pod = (name: string, owner: string | undefined, deleting = false): Pod => ({
  metadata: {
    name, namespace: 'default', uid: `uid-${name}`,
    ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: owner, controller: true }] } : {}),
    ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: { containers: [{ name: 'c', image: 'i' }] },
} as Pod);

test('NodeInfo counts its pods per controller for spreading, leaving out pods being deleted', () => {
  const n = new NodeInfo(node);
  n.addPod(new PodInfo(pod('a', 'rs1')));
  n.addPod(new PodInfo(pod('b', 'rs1')));
  n.addPod(new PodInfo(pod('c', 'rs2')));
  n.addPod(new PodInfo(pod('d', undefined)));
  n.addPod(new PodInfo(pod('e', 'rs1', true)));
  assert.deepEqual([...n.podsByController].sort(), [['rs1', 2], ['rs2', 1]]);
  // The same pod seen again (now being deleted) replaces its earlier count.
  n.addPod(new PodInfo(pod('a', 'rs1', true)));
  assert.equal(n.podsByController.get('rs1'), 1);
  n.removePod('default/b');
  n.removePod('default/c');
  n.removePod('default/e');
  assert.deepEqual([...n.podsByController], []);
});
