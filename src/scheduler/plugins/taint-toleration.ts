/**
 * TaintToleration: a node's NoSchedule/NoExecute taints repel pods that do not tolerate
 * them; PreferNoSchedule taints lower the score per intolerable taint.
 */
import type { ClusterEvent, CycleState, FilterPlugin, NodeScore, ScorePlugin } from '../framework/types.js';
import type { NodeInfo, PodInfo } from '../framework/node-info.js';
import { unresolvable, type Result } from '../framework/status.js';
import { normalizeByMax, tolerates, untoleratedTaint } from './helpers.js';

const filterEffects = new Set(['NoSchedule', 'NoExecute']);

export class TaintToleration implements FilterPlugin, ScorePlugin {
  static readonly pluginName = 'TaintToleration';
  readonly name = TaintToleration.pluginName;
  events(): readonly ClusterEvent[] { return [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }]; }

  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    const taints = node.node.spec?.taints;
    if (!taints || taints.length === 0) return undefined;
    const taint = untoleratedTaint(taints, pod.pod.spec.tolerations ?? [], filterEffects);
    return taint ? unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`) : undefined;
  }

  score(_s: CycleState, pod: PodInfo, node: NodeInfo): number {
    const taints = node.node.spec?.taints;
    if (!taints || taints.length === 0) return 0;
    let intolerable = 0;
    const tolerations = (pod.pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    for (const taint of taints) {
      if (taint.effect === 'PreferNoSchedule' && !tolerations.some((t) => tolerates(t, taint))) intolerable++;
    }
    return intolerable;
  }

  normalizeScore(_s: CycleState, _p: PodInfo, scores: NodeScore[]): void {
    normalizeByMax(scores, true);
  }
}
