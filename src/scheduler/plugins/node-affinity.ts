/**
 * NodeAffinity: filters on nodeSelector and required node affinity; scores by the summed
 * weights of the preferred terms a node matches.
 */
import type { ClusterEvent, CycleState, FilterPlugin, NodeScore, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/types.js';
import type { NodeInfo, PodInfo } from '../framework/node-info.js';
import { skip, unresolvable, type Result } from '../framework/status.js';
import { nodeMatchesPodSelectors, normalizeByMax, termMatches } from './helpers.js';

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  static readonly pluginName = 'NodeAffinity';
  static readonly reason = "node(s) didn't match Pod's node affinity/selector";
  readonly name = NodeAffinity.pluginName;
  events(): readonly ClusterEvent[] { return [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }]; }

  preFilter(_s: CycleState, pod: PodInfo): Result {
    const spec = pod.pod.spec;
    return spec.nodeSelector || spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ? undefined : skip;
  }

  preScore(_s: CycleState, pod: PodInfo): Result {
    return pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? undefined : skip;
  }

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
