/**
 * Small plugins: PrioritySort (queue order), NodeName, NodeUnschedulable, NodePorts and
 * DefaultBinder. Reason strings are upstream's, since users search for them.
 */
import type { CycleState, BindPlugin, FilterPlugin, Handle, PreFilterPlugin, QueueSortPlugin, QueuedPodInfo, ClusterEvent } from '../framework/types.js';
import type { NodeInfo, PodInfo } from '../framework/node-info.js';
import { portKey } from '../framework/node-info.js';
import { errorStatus, skip, unresolvable, unschedulable, type Result } from '../framework/status.js';
import { tolerates } from './helpers.js';

const nodeChanged: readonly ClusterEvent[] = [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }];

export class PrioritySort implements QueueSortPlugin {
  static readonly pluginName = 'PrioritySort';
  readonly name = PrioritySort.pluginName;
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = a.podInfo.priority;
    const pb = b.podInfo.priority;
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  }
}

// Pre-filters that return `skip` spare the per-node filter call for pods that cannot fail it.
export class NodeName implements PreFilterPlugin, FilterPlugin {
  static readonly pluginName = 'NodeName';
  static readonly reason = "node(s) didn't match the requested node name";
  readonly name = NodeName.pluginName;
  events(): readonly ClusterEvent[] { return [{ resource: 'Node', action: 'Add' }]; }
  preFilter(_s: CycleState, pod: PodInfo): Result {
    return pod.pod.spec.nodeName ? undefined : skip;
  }
  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    const wanted = pod.pod.spec.nodeName;
    return wanted && wanted !== node.name ? unresolvable(NodeName.reason) : undefined;
  }
}

const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const };

export class NodeUnschedulable implements FilterPlugin {
  static readonly pluginName = 'NodeUnschedulable';
  static readonly reason = 'node(s) were unschedulable';
  readonly name = NodeUnschedulable.pluginName;
  events(): readonly ClusterEvent[] { return nodeChanged; }
  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    if (!node.node.spec?.unschedulable) return undefined;
    const tolerated = (pod.pod.spec.tolerations ?? []).some((t) => tolerates(t, unschedulableTaint));
    return tolerated ? undefined : unresolvable(NodeUnschedulable.reason);
  }
}

function ipsConflict(a: string, b: string): boolean {
  return a === '0.0.0.0' || b === '0.0.0.0' || a === b;
}

export class NodePorts implements PreFilterPlugin, FilterPlugin {
  static readonly pluginName = 'NodePorts';
  static readonly reason = "node(s) didn't have free ports for the requested pod ports";
  readonly name = NodePorts.pluginName;
  events(): readonly ClusterEvent[] { return [{ resource: 'Pod', action: 'Delete' }, { resource: 'Node', action: 'Add' }]; }
  preFilter(_s: CycleState, pod: PodInfo): Result {
    return pod.hostPorts.length ? undefined : skip;
  }
  filter(_s: CycleState, pod: PodInfo, node: NodeInfo): Result {
    for (const p of pod.hostPorts) {
      const used = node.usedPorts.get(portKey(p));
      if (used?.some((ip) => ipsConflict(ip, p.hostIP || '0.0.0.0'))) return unschedulable(NodePorts.reason);
    }
    return undefined;
  }
}

export class DefaultBinder implements BindPlugin {
  static readonly pluginName = 'DefaultBinder';
  readonly name = DefaultBinder.pluginName;
  constructor(private readonly handle: Handle) {}
  async bind(_s: CycleState, pod: PodInfo, nodeName: string): Promise<Result> {
    try {
      await this.handle.bindPod(pod.pod, nodeName);
      return undefined;
    } catch (err: unknown) {
      return errorStatus(err);
    }
  }
}
