/** The parts of core/v1 Pod the node agent reads and writes (no generated types exist yet). */
import type { KubeObject } from '../api/types.js';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: { containerName?: string; resource: string; divisor?: string };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface ResourceList { cpu?: string; memory?: string; [name: string]: string | undefined }

export interface ExecAction { command?: string[] }
export interface Probe {
  exec?: ExecAction;
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string; httpHeaders?: Array<{ name: string; value: string }> };
  tcpSocket?: { port: number | string; host?: string };
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export type LifecycleHandler = Pick<Probe, 'exec' | 'httpGet' | 'tcpSocket'> & { sleep?: { seconds: number } };

export interface ContainerSpec {
  name: string;
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: Array<{ name?: string; containerPort: number; protocol?: string; hostPort?: number }>;
  resources?: { limits?: ResourceList; requests?: ResourceList };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { postStart?: LifecycleHandler; preStop?: LifecycleHandler };
  stdin?: boolean;
  tty?: boolean;
  securityContext?: SecurityContext;
  /** Sidecar containers: an init container with restartPolicy Always. */
  restartPolicy?: 'Always';
}

/** securityContext.seccompProfile: RuntimeDefault, Unconfined, or Localhost with localhostProfile. */
export interface SeccompProfileField { type?: string; localhostProfile?: string }

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: SeccompProfileField;
}

export interface PodSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  fsGroup?: number;
  supplementalGroups?: number[];
  seccompProfile?: SeccompProfileField;
}

export interface VolumeSpec {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string };
  hostPath?: { path: string; type?: string };
  configMap?: { name: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
  secret?: { secretName: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
  downwardAPI?: { items?: DownwardItem[] };
  projected?: {
    sources?: Array<{
      configMap?: { name: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
      secret?: { name: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
      downwardAPI?: { items?: DownwardItem[] };
      serviceAccountToken?: { path: string; audience?: string; expirationSeconds?: number };
    }>;
  };
}

export interface DownwardItem { path: string; fieldRef?: { fieldPath: string } }

export interface PodSpec {
  nodeName?: string;
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  volumes?: VolumeSpec[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  hostname?: string;
  securityContext?: PodSecurityContext;
  priorityClassName?: string;
}

export interface ContainerStateView {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: { exitCode: number; signal?: number; reason: string; message?: string; startedAt: string; finishedAt: string; containerID?: string };
}

export interface ContainerStatusView {
  name: string;
  state: ContainerStateView;
  lastState: ContainerStateView;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started: boolean;
}

export interface PodCondition { type: string; status: 'True' | 'False' | 'Unknown'; lastProbeTime: null; lastTransitionTime: string; reason?: string; message?: string }

export interface PodStatusView {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions: PodCondition[];
  hostIP?: string;
  hostIPs?: Array<{ ip: string }>;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime?: string;
  qosClass?: string;
  containerStatuses: ContainerStatusView[];
  initContainerStatuses?: ContainerStatusView[];
  message?: string;
  reason?: string;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: Partial<PodStatusView> & Record<string, unknown>;
}

/** Kubernetes timestamps: RFC 3339 in whole seconds. */
export function kubeTime(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
