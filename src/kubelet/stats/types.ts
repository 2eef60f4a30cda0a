/**
 * What the agent reports about resource usage: per container CPU as a rate (nanocores over
 * the window between two samples, as metrics-server computes it) and memory working set
 * (usage minus inactive file pages, as cAdvisor and the kubelet do), pod and node figures.
 * Plain data, so the API server can take it in-process or from a remote agent's JSON.
 */

/** One cumulative reading of a cgroup (or the whole machine) at one instant. */
export interface CgroupSample {
  /** CPU time used since the cgroup (or boot) began, in nanoseconds. */
  readonly cpuUsageNanos: number;
  readonly memoryWorkingSetBytes: number;
}

export interface ContainerUsage {
  readonly name: string;
  readonly cpuNanoCores: number;
  readonly memoryWorkingSetBytes: number;
}

export interface PodUsage {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  /** When the later of the two samples was taken (RFC 3339). */
  readonly timestamp: string;
  readonly windowSeconds: number;
  readonly containers: readonly ContainerUsage[];
}

export interface NodeUsage {
  readonly nodeName: string;
  readonly timestamp: string;
  readonly windowSeconds: number;
  readonly cpuNanoCores: number;
  readonly memoryWorkingSetBytes: number;
}

/** A node's figures at the last sampling; `node` is absent until two samples exist. */
export interface StatsSummary {
  readonly node?: NodeUsage;
  readonly pods: readonly PodUsage[];
}
