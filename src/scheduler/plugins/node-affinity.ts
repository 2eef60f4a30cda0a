/**
 * NodeAffinity: filters on nodeSelector and required node affinity; scores by the summed
 * weights of the preferred terms a node matches.
 */
import type { ClusterEvent, CycleState, FilterPlugin, NodeScore, ScorePlugin } from '../framework/types.js';
import type { NodeInfo, PodInfo } from '../framework/node-info.js';
import { unresolvable, type Result } from '../framework/status.js';
import { nodeMatchesPodSelectors, normalizeByMax, termMatches } from './helpers.js';

export class NodeAffinity implements FilterPlugin, ScorePlugin {
  static readonly pluginName = 'NodeAffinity';
  static readonly reason = "node(s) didn't match Pod's node affinity/selector";
  readonly name = NodeAffinity.pluginName;
  events(): readonly ClusterEvent[] { return [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }]; }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    return nodeMatchesPodSelectors(pod.pod, node.node) ? undefined : unresolvable(NodeAffinity.reason);
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    let total = 0;
    for (const p of pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (p.weight !== 0 && termMatches(p.preference, node.node)) total += p.weight;
    }
    return total;
  }

  normalizeScore(_s: CycleState, _p: PodInfo, scores: NodeScore[]): void {
    normalizeByMax(scores, false);
  }
}
