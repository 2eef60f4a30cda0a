/** Typed views of the workload objects controllers handle (only the fields they read). */
import type { KubeObject, ObjectMeta } from '../../api/types.js';
import type { LabelSelectorObject } from '../../machinery/selectors.js';

export interface PodCondition { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: Record<string, unknown> & { nodeName?: string; restartPolicy?: string };
}

export interface Pod extends KubeObject {
  metadata: ObjectMeta;
  spec?: Record<string, unknown> & { nodeName?: string; restartPolicy?: string };
  status?: { phase?: string; conditions?: PodCondition[]; startTime?: string; [k: string]: unknown };
}

export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: unknown[];
}

export interface ReplicaSet extends KubeObject {
  metadata: ObjectMeta;
  spec: { replicas?: number; minReadySeconds?: number; selector: LabelSelectorObject; template: PodTemplate };
  status?: ReplicaSetStatus;
}

export interface DeploymentCondition {
  type: string; status: string; reason?: string; message?: string;
  lastUpdateTime?: string; lastTransitionTime?: string;
}

export interface Deployment extends KubeObject {
  metadata: ObjectMeta;
  spec: {
    replicas?: number; minReadySeconds?: number; revisionHistoryLimit?: number; paused?: boolean;
    progressDeadlineSeconds?: number;
    selector: LabelSelectorObject; template: PodTemplate;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  };
  status?: {
    replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number;
    unavailableReplicas?: number; observedGeneration?: number; collisionCount?: number;
    conditions?: DeploymentCondition[];
  };
}

export interface Job extends KubeObject {
  metadata: ObjectMeta;
  spec: {
    parallelism?: number; completions?: number | null; backoffLimit?: number; activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number; suspend?: boolean; completionMode?: string;
    selector?: LabelSelectorObject; template: PodTemplate;
  };
  status?: {
    active?: number; succeeded?: number; failed?: number; ready?: number;
    startTime?: string; completionTime?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastProbeTime?: string; lastTransitionTime?: string }>;
  };
}
