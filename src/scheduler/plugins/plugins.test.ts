import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/types.js';
import { PodInfo, type NodeInfo } from '../framework/node-info.js';
import type { Pod } from '../framework/api.js';
import type { Result } from '../framework/status.js';
import { NodeName, NodePorts, NodeUnschedulable } from './basic.js';
import { NodeAffinity } from './node-affinity.js';
import { TaintToleration } from './taint-toleration.js';
import { BalancedAllocation, NodeResourcesFit } from './node-resources.js';
import { PodTopologySpread } from './pod-topology-spread.js';
import { InterPodAffinity } from './inter-pod-affinity.js';
import { ImageLocality, normalizeImage } from './image-locality.js';
import { node, pod, snapshot } from '../testing/fixtures.js';

const reasons = (r: Result): string => (r ? `${r.code}: ${r.reasons.join('; ')}` : 'ok');

test('filters: table of pods and nodes with the upstream reason each gives', () => {
  const n1 = node('n1', { cpu: '2', memory: '1Gi', pods: '2', labels: { disk: 'ssd', zone: 'a' } });
  const cases: Array<{ name: string; plugin: { filter(s: CycleState, p: PodInfo, n: NodeInfo): Result }; pod: Pod; node?: typeof n1; placed?: Pod[]; want: string }> = [
    { name: 'NodeName match', plugin: new NodeName(), pod: pod('p', { nodeName: 'n1' }), want: 'ok' },
    { name: 'NodeName mismatch', plugin: new NodeName(), pod: pod('p', { nodeName: 'n2' }), want: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name" },
    { name: 'cordoned', plugin: new NodeUnschedulable(), pod: pod('p'), node: node('n1', { unschedulable: true }), want: 'UnschedulableAndUnresolvable: node(s) were unschedulable' },
    { name: 'cordoned but tolerated', plugin: new NodeUnschedulable(), pod: pod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), node: node('n1', { unschedulable: true }), want: 'ok' },
    { name: 'nodeSelector match', plugin: new NodeAffinity(), pod: pod('p', { nodeSelector: { disk: 'ssd' } }), want: 'ok' },
    { name: 'nodeSelector mismatch', plugin: new NodeAffinity(), pod: pod('p', { nodeSelector: { disk: 'hdd' } }), want: "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector" },
    { name: 'required affinity In', plugin: new NodeAffinity(), pod: pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } } }), want: 'ok' },
    { name: 'required affinity NotIn', plugin: new NodeAffinity(), pod: pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }] } } } }), want: "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector" },
    { name: 'matchFields metadata.name', plugin: new NodeAffinity(), pod: pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } } }), want: 'ok' },
    { name: 'untolerated taint', plugin: new TaintToleration(), pod: pod('p'), node: node('n1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}' },
    { name: 'tolerated taint', plugin: new TaintToleration(), pod: pod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }), node: node('n1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), want: 'ok' },
    { name: 'PreferNoSchedule does not filter', plugin: new TaintToleration(), pod: pod('p'), node: node('n1', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), want: 'ok' },
    { name: 'fits', plugin: new NodeResourcesFit(undefined), pod: pod('p', { requests: { cpu: '1', memory: '512Mi' } }), want: 'ok' },
    { name: 'too much cpu and memory', plugin: new NodeResourcesFit(undefined), pod: pod('p', { requests: { cpu: '1500m', memory: '1Gi' } }), placed: [pod('q', { requests: { cpu: '1', memory: '1' } })], want: 'Unschedulable: Insufficient cpu; Insufficient memory' },
    { name: 'too many pods', plugin: new NodeResourcesFit(undefined), pod: pod('p'), placed: [pod('a'), pod('b')], want: 'Unschedulable: Too many pods' },
    { name: 'extended resource', plugin: new NodeResourcesFit(undefined), pod: pod('p', { requests: { 'example.com/gpu': '1' } }), want: 'Unschedulable: Insufficient example.com/gpu' },
    { name: 'extended resource present', plugin: new NodeResourcesFit(undefined), pod: pod('p', { requests: { 'example.com/gpu': '1' } }), node: node('n1', { extra: { 'example.com/gpu': '2' } }), want: 'ok' },
    { name: 'init container max counts', plugin: new NodeResourcesFit(undefined), pod: pod('p', { requests: { cpu: '1' }, initContainers: [{ name: 'i', resources: { requests: { cpu: '3' } } }] }), want: 'Unschedulable: Insufficient cpu' },
    { name: 'host port conflict', plugin: new NodePorts(), pod: pod('p', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }] }), placed: [pod('q', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080, hostIP: '127.0.0.1' }] }] })], want: "Unschedulable: node(s) didn't have free ports for the requested pod ports" },
    { name: 'host port other protocol', plugin: new NodePorts(), pod: pod('p', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'UDP' }] }] }), placed: [pod('q', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }] })], want: 'ok' },
  ];
  for (const c of cases) {
    const snap = snapshot([c.node ?? n1], { [(c.node ?? n1).metadata?.name ?? '']: c.placed ?? [] });
    const ni = snap.nodes[0] as NodeInfo;
    assert.equal(reasons(c.plugin.filter(new CycleState(), new PodInfo(c.pod), ni)), c.want, c.name);
  }
});

test('NodeResourcesFit scoring strategies and BalancedAllocation', () => {
  const snap = snapshot([node('empty', { cpu: '4', memory: '4Gi' }), node('half', { cpu: '4', memory: '4Gi' })], { half: [pod('q', { requests: { cpu: '2', memory: '2Gi' } })] });
  const p = new PodInfo(pod('p', { requests: { cpu: '1', memory: '1Gi' } }));
  const [empty, half] = snap.nodes as [NodeInfo, NodeInfo];
  const least = new NodeResourcesFit(undefined);
  const most = new NodeResourcesFit({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } });
  const ratio = new NodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio', resources: [{ name: 'cpu', weight: 1 }], requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } });
  const s = new CycleState();
  assert.deepEqual([least.score(s, p, empty), least.score(s, p, half)], [75, 25]);
  assert.deepEqual([most.score(s, p, empty), most.score(s, p, half)], [25, 75]);
  assert.deepEqual([ratio.score(s, p, empty), ratio.score(s, p, half)], [25, 75]);
  const balanced = new BalancedAllocation(undefined);
  const skewed = new PodInfo(pod('s', { requests: { cpu: '3', memory: '100Mi' } }));
  assert.equal(balanced.score(s, p, empty), 100);
  assert.ok(balanced.score(s, skewed, empty) < 70, 'cpu-heavy pod on an empty node is unbalanced');
});

test('TaintToleration and NodeAffinity scores normalize to 0..100', () => {
  const tt = new TaintToleration();
  const snap = snapshot([node('clean'), node('tainted', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] })]);
  const p = new PodInfo(pod('p'));
  const s = new CycleState();
  const scores = snap.nodes.map((n) => ({ name: n.name, score: tt.score(s, p, n) }));
  tt.normalizeScore(s, p, scores);
  assert.deepEqual(scores.map((x) => x.score), [100, 0]);
  const na = new NodeAffinity();
  const snap2 = snapshot([node('a', { labels: { zone: 'a' } }), node('b', { labels: { zone: 'b' } })]);
  const p2 = new PodInfo(pod('p', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } }] } } }));
  const sc2 = snap2.nodes.map((n) => ({ name: n.name, score: na.score(s, p2, n) }));
  na.normalizeScore(s, p2, sc2);
  assert.deepEqual(sc2.map((x) => x.score), [0, 100]);
});

test('PodTopologySpread: hard constraints by zone, missing label', () => {
  const nodes = [node('a1', { labels: { zone: 'a' } }), node('a2', { labels: { zone: 'a' } }), node('b1', { labels: { zone: 'b' } }), node('nolabel')];
  const web = (n: string): Pod => pod(n, { labels: { app: 'web' } });
  const snap = snapshot(nodes, { a1: [web('w1')], a2: [web('w2')] });
  const plugin = new PodTopologySpread(() => snap);
  const incoming = new PodInfo(pod('new', { labels: { app: 'web' }, topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] }));
  const s = new CycleState();
  assert.equal(plugin.preFilter(s, incoming, snap), undefined);
  const got = Object.fromEntries(snap.nodes.map((n) => [n.name, reasons(plugin.filter(s, incoming, n))]));
  assert.deepEqual(got, {
    a1: "Unschedulable: node(s) didn't match pod topology spread constraints",
    a2: "Unschedulable: node(s) didn't match pod topology spread constraints",
    b1: 'ok',
    nolabel: "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)",
  });
});

test('PodTopologySpread: system defaults spread a controller\'s pods by hostname when nodes have no zone', () => {
  const nodes = ['h1', 'h2', 'h3'].map((n) => node(n, { labels: { 'kubernetes.io/hostname': n } }));
  const owned = (n: string, uid: string): Pod => ({ ...pod(n), metadata: { name: n, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }] } });
  const snap = snapshot(nodes, { h1: [owned('sib', 'rs-1')], h2: [owned('other', 'rs-2'), owned('other2', 'rs-2')] });
  const plugin = new PodTopologySpread(() => snap);
  const scores = (p: Pod): Record<string, number> | 'skip' => {
    const s = new CycleState();
    const pi = new PodInfo(p);
    if (plugin.preScore(s, pi)?.code === 'Skip') return 'skip';
    const list = snap.nodes.map((n) => ({ name: n.name, score: plugin.score(s, pi, n) }));
    plugin.normalizeScore(s, pi, list);
    return Object.fromEntries(list.map((x) => [x.name, x.score]));
  };
  const got = scores(owned('new', 'rs-1'));
  assert.notEqual(got, 'skip');
  if (got === 'skip') return;
  assert.ok((got['h1'] ?? 0) < (got['h2'] ?? 0), `the node with a sibling scores lower: ${JSON.stringify(got)}`);
  assert.equal(got['h2'], got['h3'], 'pods of other controllers do not count');
  assert.equal(scores(pod('bare')), 'skip', 'a pod without a controller gets no default constraints');
  const listed = new PodTopologySpread(() => snap, { defaultingType: 'List', defaultConstraints: [] });
  assert.equal(listed.preScore(new CycleState(), new PodInfo(owned('new', 'rs-1')))?.code, 'Skip', 'defaultingType List with no constraints turns the defaults off');
});

test('InterPodAffinity: affinity, anti-affinity, existing anti-affinity, first pod of a group', () => {
  const nodes = [node('a1', { labels: { zone: 'a' } }), node('b1', { labels: { zone: 'b' } })];
  const db = pod('db', { labels: { app: 'db' } });
  const guard = pod('guard', { labels: { app: 'guard' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'web' } } }] } } });
  const snap = snapshot(nodes, { a1: [db], b1: [guard] });
  const plugin = new InterPodAffinity(() => snap);
  const check = (p: Pod): Record<string, string> => {
    const s = new CycleState();
    const pi = new PodInfo(p);
    const pre = plugin.preFilter(s, pi, snap);
    return Object.fromEntries(snap.nodes.map((n) => [n.name, pre?.code === 'Skip' ? 'ok' : reasons(plugin.filter(s, pi, n))]));
  };
  const nearDb = pod('app', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'db' } } }] } } });
  assert.deepEqual(check(nearDb), { a1: 'ok', b1: "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules" });
  const awayFromDb = pod('app', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'db' } } }] } } });
  assert.deepEqual(check(awayFromDb), { a1: "Unschedulable: node(s) didn't match pod anti-affinity rules", b1: 'ok' });
  assert.deepEqual(check(pod('w', { labels: { app: 'web' } })), { a1: 'ok', b1: "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules" });
  const firstOfGroup = pod('c1', { labels: { app: 'cache' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'cache' } } }] } } });
  assert.deepEqual(check(firstOfGroup), { a1: 'ok', b1: 'ok' });
  const otherNs = pod('x', { namespace: 'other', affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'db' } } }] } } });
  assert.deepEqual(check(otherNs), { a1: "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules", b1: "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules" }, 'terms default to the pod namespace');
});

test('ImageLocality prefers nodes with big images; names normalize as Docker does', () => {
  assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizeImage('me/app:1'), 'docker.io/me/app:1');
  assert.equal(normalizeImage('registry.local:5000/app'), 'registry.local:5000/app:latest');
  const big = 500 * 1024 * 1024;
  const snap = snapshot([node('has', { images: [{ names: ['docker.io/library/nginx:latest'], sizeBytes: big }] }), node('lacks')]);
  const plugin = new ImageLocality(() => snap);
  const p = new PodInfo(pod('p', { containers: [{ name: 'c', image: 'nginx' }] }));
  const s = new CycleState();
  const [has, lacks] = snap.nodes as [NodeInfo, NodeInfo];
  assert.ok(plugin.score(s, p, has) > 0);
  assert.equal(plugin.score(s, p, lacks), 0);
});
