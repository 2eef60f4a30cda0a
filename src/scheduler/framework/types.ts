/**
 * The scheduling framework's extension points as small interfaces (upstream
 * kube-scheduler framework/interface.go). A plugin implements the points it cares about;
 * the framework calls them in profile order. Plugins never write to the API themselves
 * except through the binder; they return values.
 */
import type { Pod } from './api.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import type { Result, Status } from './status.js';

/** Per-cycle scratch space shared by a pod's plugins (pre-filter results, pre-score data). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
}

/** The cluster as the scheduler sees it for one cycle. */
export interface Snapshot {
  readonly nodes: readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes that hold at least one pod with (anti-)affinity terms. */
  havePodsWithAffinity(): readonly NodeInfo[];
  /** Namespace labels, for namespaceSelector in pod affinity terms. */
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
}

/** What plugins may use from the framework. */
export interface Handle {
  snapshot(): Snapshot;
  /** Binding goes through the API; the default binder uses this. */
  bindPod(pod: Pod, nodeName: string): Promise<void>;
  /** The profile's filters on one node (preemption re-checks nodes with pods removed). */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): Result;
  /** Deletes the victims and records `nodeName` as the pod's nominated node. */
  preempt(pod: Pod, victims: readonly Pod[], nodeName: string): Promise<void>;
}

export interface ClusterEvent {
  readonly resource: 'Node' | 'Pod' | 'Namespace';
  readonly action: 'Add' | 'Update' | 'Delete';
}

export interface Plugin {
  readonly name: string;
  /** Events that could make a pod this plugin rejected schedulable (EnqueueExtensions). */
  events?(): readonly ClusterEvent[];
}

export interface QueuedPodInfo {
  readonly podInfo: PodInfo;
  /** When the pod entered the queue (sorting and latency). */
  timestamp: number;
  readonly initialAttemptTimestamp: number;
  attempts: number;
  /** Plugins that rejected it last time; only their events bring it back. */
  unschedulablePlugins: Set<string>;
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Result;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Result;
}

export interface PostFilterResult { readonly nominatedNodeName?: string; readonly status: Result }

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, filtered: ReadonlyMap<string, Status>): Promise<PostFilterResult>;
}

export interface PreScorePlugin extends Plugin {
  /** `skip` means this pod needs no scoring from the plugin. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result;
}

export interface NodeScore { readonly name: string; score: number }

export const maxNodeScore = 100;

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Scales the raw scores into 0..maxNodeScore, when they are not already. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Result;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): Result;
}

export interface BindPlugin extends Plugin {
  /** `skip` passes the pod to the next binder. */
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Result>;
}

export type PluginArgs = Readonly<Record<string, unknown>>;
export type PluginFactory = (args: PluginArgs | undefined, handle: Handle) => Plugin;
