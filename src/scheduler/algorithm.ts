/**
 * One scheduling decision (upstream schedulePod): pre-filter, filter a rotating window of
 * nodes until enough feasible ones are found (percentageOfNodesToScore), pre-score, score,
 * and pick the best node (ties broken at random). Synchronous: the cache cannot change under
 * it. A pod that fits nowhere yields a Diagnosis that explains why, node by node.
 */
import type { Framework } from './framework/runtime.js';
import type { NodeInfo, PodInfo } from './framework/node-info.js';
import type { Status } from './framework/status.js';
import type { CycleState, Snapshot } from './framework/types.js';
import type { Diagnosis } from './fit-error.js';

const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;

/** Upstream's rule: all nodes up to 100; else a percentage, adaptive (50% - n/125) by default. */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let adaptive = percentage;
  if (adaptive <= 0) adaptive = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.floor(numAllNodes / 125));
  if (adaptive >= 100) return numAllNodes;
  return Math.max(minFeasibleNodesToFind, Math.floor((numAllNodes * adaptive) / 100));
}

export type ScheduleOutcome =
  | { readonly ok: true; readonly nodeName: string; readonly evaluatedNodes: number; readonly feasibleNodes: number }
  | { readonly ok: false; readonly diagnosis: Diagnosis; readonly error?: Status };

export class SchedulingAlgorithm {
  /** Where the next filter pass starts, so successive pods see different nodes first. */
  private nextStartIndex = 0;

  constructor(private readonly random: () => number = Math.random) {}

  schedule(fwk: Framework, snap: Snapshot, pod: PodInfo, state: CycleState): ScheduleOutcome {
    const nodes = snap.nodes;
    const statuses = new Map<string, Status>();
    const rejectedBy = new Set<string>();
    const fail = (extra?: { preFilterMessage?: string; error?: Status }): ScheduleOutcome => ({
      ok: false,
      diagnosis: { numAllNodes: nodes.length, nodeStatuses: statuses, unschedulablePlugins: rejectedBy, ...(extra?.preFilterMessage ? { preFilterMessage: extra.preFilterMessage } : {}) },
      ...(extra?.error ? { error: extra.error } : {}),
    });
    if (nodes.length === 0) return fail();

    const pre = fwk.runPreFilter(state, pod, snap);
    if (pre) {
      if (pre.code === 'Error') return fail({ error: pre });
      if (pre.plugin) rejectedBy.add(pre.plugin);
      for (const n of nodes) statuses.set(n.name, pre);
      return fail({ preFilterMessage: pre.reasons.join(', ') });
    }

    const feasible: NodeInfo[] = [];
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const n = snap.get(nominated);
      if (n && !fwk.runFilters(state, pod, n)) return { ok: true, nodeName: nominated, evaluatedNodes: 1, feasibleNodes: 1 };
    }
    const want = numFeasibleNodesToFind(fwk.profile.percentageOfNodesToScore, nodes.length);
    const start = this.nextStartIndex % nodes.length;
    let processed = 0;
    for (; processed < nodes.length && feasible.length < want; processed++) {
      const node = nodes[(start + processed) % nodes.length] as NodeInfo;
      const s = fwk.runFilters(state, pod, node);
      if (!s) { feasible.push(node); continue; }
      if (s.code === 'Error') return fail({ error: s });
      statuses.set(node.name, s);
      if (s.plugin) rejectedBy.add(s.plugin);
    }
    this.nextStartIndex = (start + processed) % nodes.length;
    if (feasible.length === 0) return fail();
    if (feasible.length === 1 || !fwk.hasScorePlugins) {
      return { ok: true, nodeName: (feasible[0] as NodeInfo).name, evaluatedNodes: processed, feasibleNodes: feasible.length };
    }
    const preScore = fwk.runPreScore(state, pod, feasible);
    if (preScore) return fail({ error: preScore });
    const scores = fwk.runScore(state, pod, feasible);
    return { ok: true, nodeName: this.selectHost(feasible, scores), evaluatedNodes: processed, feasibleNodes: feasible.length };
  }

  /** The highest score; among equals, each is equally likely (reservoir sampling). */
  private selectHost(nodes: readonly NodeInfo[], scores: readonly number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      const s = scores[i] as number;
      const b = scores[best] as number;
      if (s > b) { best = i; ties = 1; } else if (s === b) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return (nodes[best] as NodeInfo).name;
  }
}
