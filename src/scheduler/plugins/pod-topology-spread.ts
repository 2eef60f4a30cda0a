/**
 * PodTopologySpread: keeps matching pods spread across topology domains. Hard constraints
 * (DoNotSchedule) filter nodes whose domain would exceed maxSkew over the least-loaded
 * domain; soft ones (ScheduleAnyway) score nodes in emptier domains higher. Domains are
 * counted over nodes that pass the pod's nodeSelector/affinity (nodeAffinityPolicy Honor).
 * A pod without constraints of its own gets the cluster-level defaults when scoring
 * (upstream's defaultingType System: maxSkew 3 on hostname, 5 on zone, ScheduleAnyway) over
 * the pods that share its controller (upstream derives the selector from the Services,
 * ReplicaSets and StatefulSets selecting the pod); each default counts only the nodes that
 * carry its own key, so nodes without a zone label still spread by hostname.
 */
import type { ClusterEvent, CycleState, FilterPlugin, NodeScore, PluginArgs, PreFilterPlugin, PreScorePlugin, ScorePlugin, Snapshot } from '../framework/types.js';
import type { NodeInfo, PodInfo } from '../framework/node-info.js';
import type { TopologySpreadConstraint } from '../framework/api.js';
import { skip, unresolvable, unschedulable, type Result } from '../framework/status.js';
import { compileSelector, nodeMatchesPodSelectors } from './helpers.js';
import type { LabelSelector } from '../../machinery/selectors.js';

interface Counted {
  readonly c: TopologySpreadConstraint;
  readonly selector: Pick<LabelSelector, 'matches'>;
  readonly counts: Map<string, number>;
  readonly selfMatch: number;
  minMatch: number;
}

const stateKey = 'PodTopologySpread/filter';
const scoreKey = 'PodTopologySpread/score';

/** Upstream's system default constraints (defaultingType: System). */
export const systemDefaultConstraints: readonly TopologySpreadConstraint[] = [
  { maxSkew: 3, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
  { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
];

/**
 * `byController`, when given, replaces the constraints' label selectors (default constraints
 * select the pods of the pod's own controller, counted per node by NodeInfo); `everyKey` keeps
 * upstream's rule that explicit constraints count only nodes carrying every constraint's key.
 */
function count(pod: PodInfo, constraints: readonly TopologySpreadConstraint[], snap: Snapshot, byController?: string, everyKey = true): Counted[] {
  const out: Counted[] = constraints.map((c) => {
    let selector: Pick<LabelSelector, 'matches'> = compileSelector(c.labelSelector);
    if (c.matchLabelKeys?.length) {
      // matchLabelKeys narrows the selector by the incoming pod's own label values.
      const labels = pod.pod.metadata?.labels ?? {};
      const base = selector;
      const extra = c.matchLabelKeys.filter((k) => labels[k] !== undefined);
      selector = { ...base, matches: (l) => base.matches(l) && extra.every((k) => l?.[k] === labels[k]) };
    }
    return { c, selector, counts: new Map(), selfMatch: (byController !== undefined ? pod.controllerUid === byController : selector.matches(pod.pod.metadata?.labels)) ? 1 : 0, minMatch: Infinity };
  });
  const ns = pod.pod.metadata?.namespace;
  for (const node of snap.nodes) {
    if (!nodeMatchesPodSelectors(pod.pod, node.node)) continue;
    const labels = node.node.metadata?.labels ?? {};
    // Only nodes carrying every constraint's key count as domains.
    if (everyKey && !out.every((x) => labels[x.c.topologyKey] !== undefined)) continue;
    for (const x of out) {
      const value = labels[x.c.topologyKey];
      if (value === undefined) continue;
      let n = x.counts.get(value) ?? 0;
      if (byController !== undefined) {
        n += node.podsByController.get(byController) ?? 0;
      } else {
        for (const p of node.pods.values()) {
          if (p.pod.metadata?.namespace !== ns || p.pod.metadata?.deletionTimestamp) continue;
          if (x.selector.matches(p.pod.metadata?.labels)) n++;
        }
      }
      x.counts.set(value, n);
    }
  }
  for (const x of out) {
    for (const n of x.counts.values()) x.minMatch = Math.min(x.minMatch, n);
    if (x.minMatch === Infinity || (x.c.minDomains !== undefined && x.counts.size < x.c.minDomains)) x.minMatch = 0;
  }
  return out;
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  static readonly pluginName = 'PodTopologySpread';
  static readonly reason = "node(s) didn't match pod topology spread constraints";
  static readonly missingLabelReason = "node(s) didn't match pod topology spread constraints (missing required label)";
  readonly name = PodTopologySpread.pluginName;
  private readonly defaultConstraints: readonly TopologySpreadConstraint[];

  /** args: upstream's PodTopologySpreadArgs (defaultingType System or List, defaultConstraints). */
  constructor(private readonly snapshot: () => Snapshot, args?: PluginArgs) {
    const listed = args?.['defaultingType'] === 'List';
    this.defaultConstraints = listed ? ((args?.['defaultConstraints'] as TopologySpreadConstraint[] | undefined) ?? []) : systemDefaultConstraints;
  }

  events(): readonly ClusterEvent[] {
    return [{ resource: 'Pod', action: 'Add' }, { resource: 'Pod', action: 'Delete' }, { resource: 'Pod', action: 'Update' }, { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }];
  }

  preFilter(state: CycleState, pod: PodInfo, snap: Snapshot): Result {
    const hard = (pod.pod.spec.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
    if (hard.length === 0) return skip;
    state.write(stateKey, count(pod, hard, snap));
    return undefined;
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): Result {
    const counted = state.read<Counted[]>(stateKey);
    if (!counted) return undefined;
    const labels = node.node.metadata?.labels ?? {};
    for (const x of counted) {
      const value = labels[x.c.topologyKey];
      if (value === undefined) return unresolvable(PodTopologySpread.missingLabelReason);
      const skew = (x.counts.get(value) ?? 0) + x.selfMatch - x.minMatch;
      if (skew > x.c.maxSkew) return unschedulable(PodTopologySpread.reason);
    }
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo): Result {
    const own = pod.pod.spec.topologySpreadConstraints ?? [];
    if (own.length === 0) {
      const uid = pod.controllerUid;
      const defaults = this.defaultConstraints.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
      if (uid === undefined || defaults.length === 0) return skip;
      state.write(scoreKey, count(pod, defaults, this.snapshot(), uid, false));
      return undefined;
    }
    const soft = own.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
    if (soft.length === 0) return skip;
    state.write(scoreKey, count(pod, soft, this.snapshot()));
    return undefined;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const counted = state.read<Counted[]>(scoreKey);
    if (!counted) return 0;
    const labels = node.node.metadata?.labels ?? {};
    let s = 0;
    for (const x of counted) {
      const value = labels[x.c.topologyKey];
      if (value === undefined) continue;
      // More domains make each step matter less, as upstream weights by log(domains + 2).
      s += ((x.counts.get(value) ?? 0) + x.c.maxSkew - 1) * Math.log(x.counts.size + 2);
    }
    return Math.round(s);
  }

  normalizeScore(_s: CycleState, _p: PodInfo, scores: NodeScore[]): void {
    let min = Infinity;
    let max = 0;
    for (const s of scores) { min = Math.min(min, s.score); max = Math.max(max, s.score); }
    for (const s of scores) s.score = max === 0 ? 100 : Math.floor((100 * (max + min - s.score)) / max);
  }
}
