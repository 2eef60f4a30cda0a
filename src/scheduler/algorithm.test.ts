import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulingAlgorithm, numFeasibleNodesToFind } from './algorithm.js';
import { Framework, pluginImplements } from './framework/runtime.js';
import { resolveProfiles, type SchedulerConfiguration } from './config/config.js';
import { inTreeRegistry } from './plugins/registry.js';
import { CycleState, type Handle, type Snapshot } from './framework/types.js';
import { PodInfo } from './framework/node-info.js';
import { fitErrorMessage } from './fit-error.js';
import { node, pod, snapshot } from './testing/fixtures.js';

function framework(cfg: SchedulerConfiguration, snap: Snapshot): Framework {
  const handle: Handle = {
    snapshot: () => snap,
    bindPod: async () => undefined,
    runFilterPlugins: (s, p, n) => fwk.runFilters(s, p, n),
    preempt: async () => undefined,
  };
  const implementsPoint = (name: string, point: Parameters<typeof pluginImplements>[1]): boolean => {
    const f = inTreeRegistry.get(name);
    return f ? pluginImplements(f(undefined, handle), point) : false;
  };
  const [profile] = resolveProfiles(cfg, implementsPoint);
  const fwk: Framework = new Framework(profile as NonNullable<typeof profile>, inTreeRegistry, handle);
  return fwk;
}

test('percentageOfNodesToScore as upstream: all below 100 nodes, adaptive above', () => {
  assert.equal(numFeasibleNodesToFind(0, 50), 50);
  assert.equal(numFeasibleNodesToFind(0, 5000), 500);
  assert.equal(numFeasibleNodesToFind(0, 1000), 420);
  assert.equal(numFeasibleNodesToFind(0, 20000), 1000);
  assert.equal(numFeasibleNodesToFind(30, 1000), 300);
  assert.equal(numFeasibleNodesToFind(1, 1000), 100);
});

test('a pod that fits nowhere gets the upstream message, reasons counted and sorted', () => {
  const snap = snapshot([node('n1', { cpu: '1', labels: { disk: 'ssd' } }), node('n2', { cpu: '1', labels: { disk: 'ssd' } }), node('n3', { cpu: '8' })]);
  const fwk = framework({}, snap);
  const p = new PodInfo(pod('p', { nodeSelector: { disk: 'ssd' }, requests: { cpu: '2' } }));
  const out = new SchedulingAlgorithm().schedule(fwk, snap, p, new CycleState());
  assert.equal(out.ok, false);
  if (out.ok) return;
  assert.equal(fitErrorMessage(out.diagnosis), "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.");
  assert.deepEqual([...out.diagnosis.unschedulablePlugins].sort(), ['NodeAffinity', 'NodeResourcesFit']);
});

test('scores pick the least allocated node by default and the most allocated with MostAllocated', () => {
  const snap = snapshot([node('busy', { cpu: '4', memory: '8Gi' }), node('idle', { cpu: '4', memory: '8Gi' })], { busy: [pod('q', { requests: { cpu: '3', memory: '6Gi' } })] });
  const p = new PodInfo(pod('p', { requests: { cpu: '500m', memory: '1Gi' } }));
  const spread = new SchedulingAlgorithm().schedule(framework({}, snap), snap, p, new CycleState());
  assert.equal(spread.ok && spread.nodeName, 'idle');
  const binpack: SchedulerConfiguration = {
    profiles: [{ pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }], plugins: { score: { disabled: [{ name: 'NodeResourcesBalancedAllocation' }] } } }],
  };
  const packed = new SchedulingAlgorithm().schedule(framework(binpack, snap), snap, p, new CycleState());
  assert.equal(packed.ok && packed.nodeName, 'busy');
});

test('config: disabling a plugin everywhere removes its filter', () => {
  const snap = snapshot([node('n1', { taints: [{ key: 'k', effect: 'NoSchedule' }] })]);
  const p = new PodInfo(pod('p'));
  assert.equal(new SchedulingAlgorithm().schedule(framework({}, snap), snap, p, new CycleState()).ok, false);
  const cfg: SchedulerConfiguration = { profiles: [{ plugins: { multiPoint: { disabled: [{ name: 'TaintToleration' }] } } }] };
  const fwk = framework(cfg, snap);
  assert.equal(fwk.profile.points.filter.includes('TaintToleration'), false);
  assert.equal(new SchedulingAlgorithm().schedule(fwk, snap, p, new CycleState()).ok, true);
  assert.equal(fwk.profile.weights.get('TaintToleration'), undefined);
  assert.equal(framework({}, snap).profile.weights.get('TaintToleration'), 3);
});

test('preemption: evicts the lowest-priority pods that make room and nominates the node', async () => {
  const snap = snapshot([node('n1', { cpu: '2' })], { n1: [pod('low', { priority: 1, requests: { cpu: '1' } }), pod('mid', { priority: 5, requests: { cpu: '1' } })] });
  let preempted: { victims: string[]; node: string } | undefined;
  const handle: Handle = {
    snapshot: () => snap, bindPod: async () => undefined,
    runFilterPlugins: (s, p, n) => fwk.runFilters(s, p, n),
    preempt: async (_p, victims, nodeName) => { preempted = { victims: victims.map((v) => v.metadata?.name ?? ''), node: nodeName }; },
  };
  const [profile] = resolveProfiles({}, (n, point) => { const f = inTreeRegistry.get(n); return f ? pluginImplements(f(undefined, handle), point) : false; });
  const fwk: Framework = new Framework(profile as NonNullable<typeof profile>, inTreeRegistry, handle);
  const p = new PodInfo(pod('urgent', { priority: 10, requests: { cpu: '1' } }));
  const state = new CycleState();
  const out = new SchedulingAlgorithm().schedule(fwk, snap, p, state);
  assert.equal(out.ok, false);
  if (out.ok) return;
  const r = await fwk.runPostFilter(state, p, out.diagnosis.nodeStatuses);
  assert.equal(r?.nominatedNodeName, 'n1');
  assert.deepEqual(preempted, { victims: ['low'], node: 'n1' });
  const never = new PodInfo(pod('polite', { priority: 10, preemptionPolicy: 'Never', requests: { cpu: '1' } }));
  const r2 = await fwk.runPostFilter(new CycleState(), never, out.diagnosis.nodeStatuses);
  assert.equal(r2?.status?.code, 'UnschedulableAndUnresolvable');
});

test('no nodes at all: upstream\'s "no nodes available to schedule pods"', () => {
  const snap = snapshot([]);
  const out = new SchedulingAlgorithm().schedule(framework({}, snap), snap, new PodInfo(pod('p')), new CycleState());
  assert.equal(out.ok, false);
  if (!out.ok) assert.equal(fitErrorMessage(out.diagnosis), 'no nodes available to schedule pods');
});
