import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulingQueue } from './scheduling-queue.js';
import { PodInfo } from '../framework/node-info.js';
import { PrioritySort } from '../plugins/basic.js';
import { pod } from '../testing/fixtures.js';
import type { ClusterEvent } from '../framework/types.js';

function makeQueue(now: { t: number }): SchedulingQueue {
  const sort = new PrioritySort();
  return new SchedulingQueue({
    less: (a, b) => sort.less(a, b),
    pluginsFor: (e: ClusterEvent) => new Set(e.resource === 'Node' ? ['NodeAffinity', 'NodeResourcesFit'] : e.action === 'Delete' ? ['NodeResourcesFit'] : []),
    initialBackoffMs: 1000, maxBackoffMs: 10_000, now: () => now.t,
  });
}

test('activeQ pops by priority, then by arrival', async () => {
  const now = { t: 0 };
  const q = makeQueue(now);
  q.add(new PodInfo(pod('low')));
  now.t = 1;
  q.add(new PodInfo(pod('high', { priority: 100 })));
  now.t = 2;
  q.add(new PodInfo(pod('low2')));
  const order = [];
  for (let i = 0; i < 3; i++) order.push((await q.pop())?.podInfo.pod.metadata?.name);
  assert.deepEqual(order, ['high', 'low', 'low2']);
  q.close();
});

test('unschedulable pods wait for an event one of their rejecting plugins cares about', async () => {
  const now = { t: 0 };
  const q = makeQueue(now);
  q.add(new PodInfo(pod('p')));
  const qp = await q.pop();
  assert.ok(qp);
  const cycle = q.schedulingCycle;
  qp.unschedulablePlugins = new Set(['NodeAffinity']);
  q.requeueFailed(qp, cycle, { error: false });
  assert.deepEqual(q.lengths, { active: 0, backoff: 0, unschedulable: 1 });
  q.onEvent({ resource: 'Pod', action: 'Delete' });
  assert.equal(q.lengths.unschedulable, 1, 'a pod deletion does not help a node-affinity failure');
  now.t = 5000;
  q.onEvent({ resource: 'Node', action: 'Add' });
  assert.deepEqual(q.lengths, { active: 1, backoff: 0, unschedulable: 0 });
  assert.equal((await q.pop())?.attempts, 2);
  q.close();
});

test('an event during the attempt sends the failed pod to backoff, which expires into activeQ', async () => {
  const now = { t: Date.now() };
  const sort = new PrioritySort();
  const q = new SchedulingQueue({ less: (a, b) => sort.less(a, b), pluginsFor: () => new Set(), initialBackoffMs: 20, maxBackoffMs: 100 });
  q.add(new PodInfo(pod('p')));
  const qp = await q.pop();
  assert.ok(qp);
  const cycle = q.schedulingCycle;
  q.onEvent({ resource: 'Node', action: 'Add' });
  q.requeueFailed(qp, cycle, { error: false });
  assert.deepEqual(q.lengths, { active: 0, backoff: 1, unschedulable: 0 });
  const again = await q.pop();
  assert.equal(again?.podInfo.pod.metadata?.name, 'p');
  assert.ok(Date.now() - now.t >= 15, 'waited for the backoff');
  q.close();
  assert.equal(await q.pop(), undefined);
});

test('backoff doubles per attempt up to the maximum', () => {
  const now = { t: 0 };
  const q = makeQueue(now);
  const info = { podInfo: new PodInfo(pod('p')), timestamp: 0, initialAttemptTimestamp: 0, attempts: 1, unschedulablePlugins: new Set<string>() };
  assert.equal(q.backoffExpiry(info), 1000);
  info.attempts = 3;
  assert.equal(q.backoffExpiry(info), 4000);
  info.attempts = 10;
  assert.equal(q.backoffExpiry(info), 10_000);
  q.close();
});

test('pods unschedulable for too long are retried anyway; updates of a waiting pod retry it', async () => {
  const now = { t: 0 };
  const q = makeQueue(now);
  for (const name of ['old', 'changed']) {
    q.add(new PodInfo(pod(name)));
    const qp = await q.pop();
    assert.ok(qp);
    qp.unschedulablePlugins = new Set(['NodeAffinity']);
    q.requeueFailed(qp, q.schedulingCycle, { error: false });
  }
  now.t = 2000;
  q.update(new PodInfo(pod('changed', { nodeSelector: { a: 'b' } })));
  assert.equal((await q.pop())?.podInfo.pod.metadata?.name, 'changed');
  now.t = 6 * 60_000;
  q.flushLongUnschedulable();
  assert.equal((await q.pop())?.podInfo.pod.metadata?.name, 'old');
  q.close();
});
