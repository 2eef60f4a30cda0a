/**
 * NodeResourcesFit filters nodes without room for the pod's requests (cpu, memory,
 * ephemeral-storage, pod count, extended resources) and scores by a strategy:
 * LeastAllocated (spread), MostAllocated (bin packing) or RequestedToCapacityRatio (a
 * piecewise-linear shape over utilization). BalancedAllocation prefers nodes whose cpu and
 * memory utilization stay close to each other.
 */
import type { ClusterEvent, CycleState, FilterPlugin, PluginArgs, ScorePlugin } from '../framework/types.js';
import type { NodeInfo, PodInfo } from '../framework/node-info.js';
import { unschedulable, type Result } from '../framework/status.js';

export interface ResourceWeight { name: string; weight: number }
export interface ShapePoint { utilization: number; score: number }
export interface ScoringStrategy {
  type: 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
  resources: ResourceWeight[];
  requestedToCapacityRatio?: { shape: ShapePoint[] };
}

const defaultResources: ResourceWeight[] = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];

const resourceEvents: readonly ClusterEvent[] = [{ resource: 'Pod', action: 'Delete' }, { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }];

/** Requested amount of a resource on the node if the pod lands there, as scoring counts it. */
function requestedWith(node: NodeInfo, pod: PodInfo, name: string): number {
  if (name === 'cpu') return node.nonZeroRequested.milliCPU + pod.nonZero.milliCPU;
  if (name === 'memory') return node.nonZeroRequested.memory + pod.nonZero.memory;
  return node.requested.get(name) + pod.requests.get(name);
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  static readonly pluginName = 'NodeResourcesFit';
  readonly name = NodeResourcesFit.pluginName;
  readonly strategy: ScoringStrategy;
  private readonly scorer: (requested: number, capacity: number) => number;

  constructor(args: PluginArgs | undefined) {
    const s = (args?.scoringStrategy ?? {}) as Partial<ScoringStrategy>;
    this.strategy = { type: s.type ?? 'LeastAllocated', resources: s.resources ?? defaultResources, ...(s.requestedToCapacityRatio ? { requestedToCapacityRatio: s.requestedToCapacityRatio } : {}) };
    this.scorer = scorerFor(this.strategy);
  }

  events(): readonly ClusterEvent[] { return resourceEvents; }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    const alloc = node.allocatable;
    const used = node.requested;
    const req = pod.requests;
    // Runs for every sampled node of every pod: the common case (it fits) allocates nothing.
    const tooManyPods = used.allowedPodNumber + 1 > alloc.allowedPodNumber;
    const noCpu = req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU;
    const noMemory = req.memory > 0 && req.memory > alloc.memory - used.memory;
    const noStorage = req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage;
    let scalarShort: string[] | undefined;
    if (req.scalar.size > 0) {
      for (const [name, amount] of req.scalar) {
        if (amount > 0 && amount > (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) (scalarShort ??= []).push(`Insufficient ${name}`);
      }
    }
    if (!tooManyPods && !noCpu && !noMemory && !noStorage && !scalarShort) return undefined;
    const reasons: string[] = [];
    if (tooManyPods) reasons.push('Too many pods');
    if (noCpu) reasons.push('Insufficient cpu');
    if (noMemory) reasons.push('Insufficient memory');
    if (noStorage) reasons.push('Insufficient ephemeral-storage');
    if (scalarShort) reasons.push(...scalarShort);
    return unschedulable(...reasons);
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    let total = 0;
    let weights = 0;
    for (const r of this.strategy.resources) {
      const capacity = node.allocatable.get(r.name);
      // Resources the node does not have are left out, as upstream does.
      if (capacity === 0) continue;
      total += this.scorer(requestedWith(node, pod, r.name), capacity) * r.weight;
      weights += r.weight;
    }
    return weights === 0 ? 0 : Math.floor(total / weights);
  }
}

function scorerFor(s: ScoringStrategy): (requested: number, capacity: number) => number {
  switch (s.type) {
    case 'MostAllocated':
      return (req, cap) => Math.floor((Math.min(req, cap) * 100) / cap);
    case 'RequestedToCapacityRatio': {
      // Shape scores are 0..10 in the config; they scale to node scores 0..100.
      const shape = [...(s.requestedToCapacityRatio?.shape ?? [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }])].sort((a, b) => a.utilization - b.utilization);
      return (req, cap) => Math.floor(piecewise(shape, Math.min(100, (req * 100) / cap)) * 10);
    }
    default:
      return (req, cap) => (req > cap ? 0 : Math.floor(((cap - req) * 100) / cap));
  }
}

function piecewise(shape: readonly ShapePoint[], x: number): number {
  const first = shape[0];
  const last = shape[shape.length - 1];
  if (!first || !last) return 0;
  if (x <= first.utilization) return first.score;
  for (let i = 1; i < shape.length; i++) {
    const a = shape[i - 1] as ShapePoint;
    const b = shape[i] as ShapePoint;
    if (x <= b.utilization) return a.score + ((b.score - a.score) * (x - a.utilization)) / (b.utilization - a.utilization);
  }
  return last.score;
}

export class BalancedAllocation implements ScorePlugin {
  static readonly pluginName = 'NodeResourcesBalancedAllocation';
  readonly name = BalancedAllocation.pluginName;
  private readonly resources: string[];

  constructor(args: PluginArgs | undefined) {
    this.resources = ((args?.resources as ResourceWeight[] | undefined) ?? defaultResources).map((r) => r.name);
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    const fractions: number[] = [];
    for (const name of this.resources) {
      const cap = node.allocatable.get(name);
      if (cap === 0) continue;
      fractions.push(Math.min(1, requestedWith(node, pod, name) / cap));
    }
    if (fractions.length < 2) return 100;
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    const variance = fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length;
    return Math.floor((1 - Math.sqrt(variance)) * 100);
  }
}
