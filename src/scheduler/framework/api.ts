/**
 * The parts of Pod and Node the scheduler reads, as structural types over the JSON the API
 * serves. Objects come from informer caches: read-only.
 */
import type { KubeObject } from '../../api/types.js';
import type { LabelSelectorObject } from '../../machinery/selectors.js';

export interface Toleration { key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: string; tolerationSeconds?: number }
export interface Taint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }

export interface NodeSelectorRequirement { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'; values?: string[] }
export interface NodeSelectorTerm { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
  preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight: number; preference: NodeSelectorTerm }>;
}
export interface PodAffinityTerm {
  labelSelector?: LabelSelectorObject | null;
  namespaces?: string[];
  namespaceSelector?: LabelSelectorObject | null;
  topologyKey: string;
}
export interface WeightedPodAffinityTerm { weight: number; podAffinityTerm: PodAffinityTerm }
export interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}
export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelectorObject | null;
  minDomains?: number;
  matchLabelKeys?: string[];
}

export interface ResourceList { [name: string]: string | number | undefined }
export interface ContainerPort { containerPort: number; hostPort?: number; protocol?: string; hostIP?: string }
export interface Container { name: string; image?: string; resources?: { requests?: ResourceList; limits?: ResourceList }; ports?: ContainerPort[]; restartPolicy?: string }

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  schedulerName?: string;
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: string;
  tolerations?: Toleration[];
  affinity?: { nodeAffinity?: NodeAffinity; podAffinity?: PodAffinity; podAntiAffinity?: PodAffinity };
  topologySpreadConstraints?: TopologySpreadConstraint[];
  containers: Container[];
  initContainers?: Container[];
  overhead?: ResourceList;
  restartPolicy?: string;
}

export interface PodCondition { type: string; status: string; reason?: string; message?: string; lastProbeTime?: string | null; lastTransitionTime?: string }
export interface PodStatus { phase?: string; conditions?: PodCondition[]; nominatedNodeName?: string; [field: string]: unknown }

export interface Pod extends KubeObject { spec: PodSpec; status?: PodStatus }

export interface NodeSpec { unschedulable?: boolean; taints?: Taint[]; podCIDR?: string }
export interface NodeStatus { capacity?: ResourceList; allocatable?: ResourceList; images?: Array<{ names?: string[]; sizeBytes?: number }>; conditions?: Array<{ type: string; status: string }> }
export interface Node extends KubeObject { spec?: NodeSpec; status?: NodeStatus }

export function podKey(pod: KubeObject): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

export function podPriority(pod: Pod): number {
  return pod.spec.priority ?? 0;
}
