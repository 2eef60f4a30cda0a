/**
 * InterPodAffinity: required pod affinity (the node's topology domain must hold a matching
 * pod), required anti-affinity (it must not), the existing pods' anti-affinity against the
 * incoming pod, and preferred terms of both sides as scores. Domains are (topologyKey,
 * value) pairs taken from node labels.
 */
import type { ClusterEvent, CycleState, FilterPlugin, NodeScore, PreFilterPlugin, PreScorePlugin, ScorePlugin, Snapshot } from '../framework/types.js';
import type { NodeInfo, PodInfo } from '../framework/node-info.js';
import type { Pod, PodAffinityTerm } from '../framework/api.js';
import { skip, unresolvable, unschedulable, type Result } from '../framework/status.js';
import { compileSelector } from './helpers.js';

const pair = (key: string, value: string): string => `${key}\u0000${value}`;

/** Does `target` match the term written in a pod of namespace `ownerNs`? */
export function termMatchesPod(term: PodAffinityTerm, ownerNs: string, target: Pod, snap: Snapshot): boolean {
  const ns = target.metadata?.namespace ?? '';
  if (term.namespaceSelector) {
    const sel = compileSelector(term.namespaceSelector);
    const inList = (term.namespaces ?? []).includes(ns);
    if (!inList && !sel.matches(snap.namespaceLabels(ns))) return false;
  } else if (term.namespaces && term.namespaces.length > 0) {
    if (!term.namespaces.includes(ns)) return false;
  } else if (ns !== ownerNs) {
    return false;
  }
  return compileSelector(term.labelSelector).matches(target.metadata?.labels);
}

interface FilterState {
  /** Domains where an existing pod's required anti-affinity rejects the incoming pod. */
  readonly existingAnti: Set<string>;
  /** Per incoming required affinity term: matching pods per domain. */
  readonly affinity: Array<Map<string, number>>;
  readonly anyAffinityMatch: boolean;
  /** Per incoming required anti-affinity term: domains holding a matching pod. */
  readonly anti: Array<Set<string>>;
}

const filterKey = 'InterPodAffinity/filter';
const scoreKey = 'InterPodAffinity/score';

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  static readonly pluginName = 'InterPodAffinity';
  static readonly affinityReason = "node(s) didn't match pod affinity rules";
  static readonly antiAffinityReason = "node(s) didn't match pod anti-affinity rules";
  static readonly existingAntiReason = "node(s) didn't satisfy existing pods anti-affinity rules";
  readonly name = InterPodAffinity.pluginName;
  constructor(private readonly snapshot: () => Snapshot) {}

  events(): readonly ClusterEvent[] {
    return [{ resource: 'Pod', action: 'Add' }, { resource: 'Pod', action: 'Update' }, { resource: 'Pod', action: 'Delete' }, { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }];
  }

  preFilter(state: CycleState, pod: PodInfo, snap: Snapshot): Result {
    const ns = pod.pod.metadata?.namespace ?? '';
    const existingAnti = new Set<string>();
    for (const node of snap.havePodsWithAffinity()) {
      const labels = node.node.metadata?.labels ?? {};
      for (const other of node.podsWithAffinity) {
        for (const term of other.requiredAntiAffinity) {
          const v = labels[term.topologyKey];
          if (v !== undefined && termMatchesPod(term, other.pod.metadata?.namespace ?? '', pod.pod, snap)) existingAnti.add(pair(term.topologyKey, v));
        }
      }
    }
    const aff = pod.requiredAffinity;
    const antiTerms = pod.requiredAntiAffinity;
    if (existingAnti.size === 0 && aff.length === 0 && antiTerms.length === 0) return skip;
    const affinity = aff.map(() => new Map<string, number>());
    const anti = antiTerms.map(() => new Set<string>());
    let anyAffinityMatch = false;
    if (aff.length || antiTerms.length) {
      for (const node of snap.nodes) {
        const labels = node.node.metadata?.labels ?? {};
        for (const other of node.pods.values()) {
          aff.forEach((term, i) => {
            const v = labels[term.topologyKey];
            if (v !== undefined && termMatchesPod(term, ns, other.pod, snap)) {
              const m = affinity[i] as Map<string, number>;
              m.set(v, (m.get(v) ?? 0) + 1);
              anyAffinityMatch = true;
            }
          });
          antiTerms.forEach((term, i) => {
            const v = labels[term.topologyKey];
            if (v !== undefined && termMatchesPod(term, ns, other.pod, snap)) (anti[i] as Set<string>).add(v);
          });
        }
      }
    }
    state.write(filterKey, { existingAnti, affinity, anyAffinityMatch, anti } satisfies FilterState);
    return undefined;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Result {
    const s = state.read<FilterState>(filterKey);
    if (!s) return undefined;
    const labels = node.node.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(labels)) if (s.existingAnti.has(pair(k, v))) return unschedulable(InterPodAffinity.existingAntiReason);
    const terms = pod.requiredAffinity;
    if (terms.length) {
      const ns = pod.pod.metadata?.namespace ?? '';
      // The first pod of a group that selects itself may go anywhere its domains exist.
      const selfOk = !s.anyAffinityMatch && terms.every((t) => termMatchesPod(t, ns, pod.pod, this.snapshot()));
      for (let i = 0; i < terms.length; i++) {
        const term = terms[i] as PodAffinityTerm;
        const v = labels[term.topologyKey];
        if (v === undefined) return unresolvable(InterPodAffinity.affinityReason);
        if (!selfOk && !(s.affinity[i]?.get(v))) return unresolvable(InterPodAffinity.affinityReason);
      }
    }
    for (let i = 0; i < pod.requiredAntiAffinity.length; i++) {
      const term = pod.requiredAntiAffinity[i] as PodAffinityTerm;
      const v = labels[term.topologyKey];
      if (v !== undefined && s.anti[i]?.has(v)) return unschedulable(InterPodAffinity.antiAffinityReason);
    }
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result {
    const snap = this.snapshot();
    const a = pod.pod.spec.affinity;
    const preferredAff = a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const preferredAnti = a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const hasOwn = preferredAff.length + preferredAnti.length > 0;
    if (!hasOwn && snap.havePodsWithAffinity().length === 0) return skip;
    const ns = pod.pod.metadata?.namespace ?? '';
    const weights = new Map<string, number>();
    const addTo = (key: string, value: string | undefined, w: number): void => {
      if (value !== undefined) weights.set(pair(key, value), (weights.get(pair(key, value)) ?? 0) + w);
    };
    const source = hasOwn ? snap.nodes : snap.havePodsWithAffinity();
    for (const node of source) {
      const labels = node.node.metadata?.labels ?? {};
      const others = hasOwn ? node.pods.values() : node.podsWithAffinity.values();
      for (const other of others) {
        for (const t of preferredAff) if (termMatchesPod(t.podAffinityTerm, ns, other.pod, snap)) addTo(t.podAffinityTerm.topologyKey, labels[t.podAffinityTerm.topologyKey], t.weight);
        for (const t of preferredAnti) if (termMatchesPod(t.podAffinityTerm, ns, other.pod, snap)) addTo(t.podAffinityTerm.topologyKey, labels[t.podAffinityTerm.topologyKey], -t.weight);
        const oa = other.pod.spec.affinity;
        const otherNs = other.pod.metadata?.namespace ?? '';
        for (const t of oa?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) if (termMatchesPod(t.podAffinityTerm, otherNs, pod.pod, snap)) addTo(t.podAffinityTerm.topologyKey, labels[t.podAffinityTerm.topologyKey], t.weight);
        for (const t of oa?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) if (termMatchesPod(t.podAffinityTerm, otherNs, pod.pod, snap)) addTo(t.podAffinityTerm.topologyKey, labels[t.podAffinityTerm.topologyKey], -t.weight);
      }
    }
    if (weights.size === 0 || nodes.length === 0) return skip;
    state.write(scoreKey, weights);
    return undefined;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const weights = state.read<Map<string, number>>(scoreKey);
    if (!weights) return 0;
    let s = 0;
    for (const [k, v] of Object.entries(node.node.metadata?.labels ?? {})) s += weights.get(pair(k, v)) ?? 0;
    return s;
  }

  normalizeScore(state: CycleState, _p: PodInfo, scores: NodeScore[]): void {
    if (!state.read(scoreKey)) return;
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) { min = Math.min(min, s.score); max = Math.max(max, s.score); }
    for (const s of scores) s.score = max > min ? Math.floor((100 * (s.score - min)) / (max - min)) : 0;
  }
}
