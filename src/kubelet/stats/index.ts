/** Resource usage of the agent's pods and machine, from cgroups and /proc (for the metrics API). */
export { StatsCollector, engineContainers, type PodContainer, type StatsCollectorOptions } from './collector.js';
export { sampleProcess } from './cgroup.js';
export { sampleNode } from './node.js';
export type { StatsSummary, PodUsage, NodeUsage, ContainerUsage, CgroupSample } from './types.js';
export { startStatsPush, statsPushPath, type StatsPushOptions } from './push.js';
