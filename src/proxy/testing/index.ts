/** Test helpers for network tests: throwaway nodes made of network namespaces. */
export { TestNode, waitForHttp, httpGet } from './netns.js';
export type { PodSpec, TestNodeOptions, RunResult } from './netns.js';
export { TestCluster } from './cluster.js';
export type { ClusterPod } from './cluster.js';
