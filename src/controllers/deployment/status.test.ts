import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../base/objects.js';
import { rollbackTarget } from './auto-rollback.js';
import { equalIgnoringHash } from './revisions.js';
import { calculateStatus, updateProgressing } from './status.js';
import { templateHash } from '../base/hash.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };

function deployment(o: { generation?: number; status?: Deployment['status']; annotations?: Record<string, string> } = {}): Deployment {
  return {
    metadata: { name: 'web', generation: o.generation ?? 1, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { replicas: 3, progressDeadlineSeconds: 60, selector: { matchLabels: { app: 'web' } }, template },
    ...(o.status ? { status: o.status } : {}),
  };
}

function rs(name: string, revision: number, replicas: number, available: number, hash: string): ReplicaSet {
  return {
    metadata: { name, uid: name, annotations: { 'deployment.kubernetes.io/revision': String(revision) }, labels: { app: 'web', 'pod-template-hash': hash } },
    spec: { replicas, selector: {}, template: { metadata: { labels: { app: 'web', 'pod-template-hash': hash } }, spec: {} } },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  };
}

test('status sums the ReplicaSets and sets Available with upstream reasons', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const s = calculateStatus(deployment(), [rs('old', 1, 1, 1, 'a'), rs('new', 2, 3, 1, 'b')], rs('new', 2, 3, 1, 'b'), now);
  assert.equal(s.replicas, 4);
  assert.equal(s.updatedReplicas, 3);
  assert.equal(s.availableReplicas, 2);
  assert.equal(s.unavailableReplicas, 2);
  assert.equal(s.conditions?.find((c) => c.type === 'Available')?.reason, 'MinimumReplicasUnavailable');
});

test('Progressing: complete, then progressing, then the deadline passes', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const done = rs('new', 1, 3, 3, 'b');
  const complete = calculateStatus(deployment(), [done], done, t0);
  assert.equal(updateProgressing(deployment(), complete, done, t0), undefined);
  assert.equal(complete.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');

  const stuck = rs('new', 2, 3, 1, 'c');
  const d = deployment({ status: { updatedReplicas: 0 } });
  const s1 = calculateStatus(d, [stuck], stuck, t0);
  const wait = updateProgressing(d, s1, stuck, t0);
  assert.equal(s1.conditions?.find((c) => c.type === 'Progressing')?.reason, 'ReplicaSetUpdated');
  assert.ok(wait !== undefined && wait > 59_000 && wait < 61_000);

  const later = new Date(t0.getTime() + 61_000);
  const d2 = deployment({ status: s1 });
  const s2 = calculateStatus(d2, [stuck], stuck, later);
  updateProgressing(d2, s2, stuck, later);
  const p = s2.conditions?.find((c) => c.type === 'Progressing');
  assert.equal(p?.reason, 'ProgressDeadlineExceeded');
  assert.equal(p?.status, 'False');
  assert.equal(p?.message, 'ReplicaSet "new" has timed out progressing.');
});

test('templates compare equal whatever the pod-template-hash label and key order', () => {
  const withHash = { metadata: { labels: { 'pod-template-hash': 'x', app: 'web' } }, spec: { containers: [{ image: 'nginx:1', name: 'c' }] } };
  assert.ok(equalIgnoringHash(withHash, template));
  assert.ok(!equalIgnoringHash(withHash, { ...template, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }));
  assert.equal(templateHash(withHash), templateHash(JSON.parse(JSON.stringify(withHash))));
  assert.notEqual(templateHash(template, 0), templateHash(template, 1));
  assert.match(templateHash(template), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});

test('auto-rollback targets the previous revision only when asked and timed out, never the failed template', () => {
  const timedOut = { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] };
  const prev = rs('prev', 1, 3, 3, 'p');
  const failed = rs('failed', 2, 1, 0, 'f');
  assert.equal(rollbackTarget(deployment(), timedOut, [prev, failed], failed), undefined, 'not opted in');
  const opted = deployment({ annotations: { 'skiff.dev/auto-rollback': 'true' } });
  assert.equal(rollbackTarget(opted, { conditions: [] }, [prev, failed], failed), undefined, 'not timed out');
  assert.equal(rollbackTarget(opted, timedOut, [prev, failed], failed)?.metadata.name, 'prev');
  const already = deployment({ annotations: { 'skiff.dev/auto-rollback': 'true', 'skiff.dev/rolled-back-from': 'p' } });
  assert.equal(rollbackTarget(already, timedOut, [prev, failed], failed), undefined, 'no ping-pong');
});
